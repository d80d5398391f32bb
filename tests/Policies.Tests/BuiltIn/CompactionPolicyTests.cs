using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.BuiltIn;

/// <summary>Compactor sizing from RisingWave's rules of thumb (risingwave.md 3.8).</summary>
public sealed class CompactionPolicyTests
{
    // Each row: replicas, pending bytes (10-minute mean), running task slots, write-stop, expected, why.
    // Compactors have 4 cores: 12 task slots each at compactor_max_task_multiplier 3.0.
    public static TheoryData<int, double, double, double, int, string> Cases => new()
    {
        { 2, 8e9, 17, 0, 2, "8 GB / 4 GB per core = 2 cores: 1 replica; 17 of 24 slots is on target" },
        { 2, 40e9, 17, 0, 3, "40 GB needs 10 cores: 3 replicas of 4" },
        { 2, 36e9, 24, 0, 3, "every slot busy and 9 cores of backlog, more than 2 replicas' 8: 24 / 24 / 0.7 = 1.43 x 2 -> 3" },
        { 4, 68e9, 48, 0, 6, "every slot busy and 17 cores of backlog, more than 4 replicas' 16: 4 / 0.7 = 5.7 -> 6" },
        { 2, 1e9, 24, 0, 2, "every slot busy but 1 GB fits 2 replicas (a compute catch-up's burst): hold" },
        { 4, 64e9, 48, 0, 4, "every slot busy but 16 cores of backlog fit 4 replicas of 4: hold" },
        { 0, 1e9, 0, 0, 1, "no compactors and a backlog: 1 replica" },
        { 4, 1e9, 4, 0, 1, "4 of 48 slots and a small backlog: 1 replica" },
        { 2, 1e9, 17, 1, 4, "write stop: emergency step +100%" },
        { 0, 0, 0, 0, 0, "no compaction work and no compactors: none needed" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sizes_compactors_from_backlog_and_busy_slots(int replicas, double pendingBytes, double slots, double writeStop, int expected, string why)
    {
        var component = Build.Component(
            ComponentKind.Compactor, replicas,
            (Signal.CompactionPendingBytes, Build.Constant(pendingBytes, TimeSpan.FromMinutes(10))),
            (Signal.CompactionRunningSlots, Build.Constant(slots, TimeSpan.FromMinutes(1))),
            (Signal.L0WriteStop, Build.Constant(writeStop, TimeSpan.FromMinutes(1))));

        var proposal = Build.Policy("type: compaction", ComponentKind.Compactor).Propose(Build.Context(component));

        Assert.True(expected == proposal.Replicas, $"{why}: expected {expected}, got {proposal.Replicas} ({proposal.Explain()})");
        Assert.Equal(writeStop >= 1, proposal.VetoScaleDown);
    }

    [Fact]
    public void Averages_pending_bytes_over_the_window_because_compaction_is_bursty()
    {
        // Ten minutes at 4 GB with a last minute at 40 GB: the mean is 7.5 GB, 1.9 cores, one replica. The
        // spike alone (10 cores) would have asked for three.
        var pending = Build.Series(41, i => i >= 37 ? 40e9 : 4e9);
        var component = Build.Component(
            ComponentKind.Compactor, 1,
            (Signal.CompactionPendingBytes, pending),
            (Signal.CompactionRunningSlots, Build.Constant(8, TimeSpan.FromMinutes(1))));

        var proposal = Build.Policy("type: compaction", ComponentKind.Compactor).Propose(Build.Context(component));

        Assert.Equal(1, proposal.Replicas);
        Assert.Equal(((37 * 4e9) + (4 * 40e9)) / 41, proposal.Numbers[0], 1);
    }

    [Fact]
    public void Says_why_busy_slots_did_not_add_replicas()
    {
        var component = Build.Component(
            ComponentKind.Compactor, 2,
            (Signal.CompactionPendingBytes, Build.Constant(1e9, TimeSpan.FromMinutes(10))),
            (Signal.CompactionRunningSlots, Build.Constant(24, TimeSpan.FromMinutes(1))));

        var proposal = Build.Policy("type: compaction", ComponentKind.Compactor).Propose(Build.Context(component));

        Assert.Contains("a burst the compactors work off -> 2", proposal.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_cores_it_abstains_and_says_how_to_fix_it()
    {
        var component = Build.Component(ComponentKind.Compactor, 1) with { CoresPerReplica = null };

        var proposal = Build.Policy("type: compaction", ComponentKind.Compactor).Propose(Build.Context(component));

        Assert.Equal(ProposalKind.Abstain, proposal.Kind);
        Assert.Contains("set coresPerReplica", proposal.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Applies_to_compactor_only()
    {
        var error = Assert.Throws<Policies.Configuration.SpecException>(() => Build.Policy("type: compaction"));

        Assert.Contains("compaction sizes the compactors: it applies to compactor only", error.Message, StringComparison.Ordinal);
    }
}
