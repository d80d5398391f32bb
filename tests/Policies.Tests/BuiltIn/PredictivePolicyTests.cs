using FsCheck;
using FsCheck.Fluent;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.History;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.BuiltIn;

/// <summary>
/// The predictive policy: a seasonal forecast over the lead time raises the replica count ahead of a peak, never
/// lowers it, and is ignored when its back-test error is high. Capacity per replica is processed / busy, as DS2.
/// </summary>
public sealed class PredictivePolicyTests
{
    // A 2-hour season over 8 hours of history, 192 buckets of 2.5 minutes: 48 buckets per season.
    private const string Spec = "type: predictive\nhistory: 8h\nbuckets: 192\nleadTime: 30m\nrefitInterval: 10m";
    private static readonly TimeSpan Season = TimeSpan.FromHours(2);
    private static readonly TimeSpan History = TimeSpan.FromHours(8);

    /// <summary>Ingest of 500k +- 300k over a 2-hour season, at the given phase (degrees) now.</summary>
    private static Func<int, double> Sine(double phaseNow, int count) =>
        i => 500_000 + (300_000 * Math.Sin((phaseNow * Math.PI / 180) + (2 * Math.PI * (i - (count - 1)) * 15 / Season.TotalSeconds)));

    /// <summary>Deterministic noise: a new level between 200k and 800k every 10 minutes, no season to find.</summary>
    private static double Noise(int i)
    {
        var z = (ulong)(i / 40) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return 200_000 + (600_000 * ((z ^ (z >> 31)) % 1000 / 1000.0));
    }

    /// <summary>A compute component whose replicas process 125k/s each when busy (400k at 0.8 busy over 4 replicas, TPR 500k).</summary>
    private static ComponentObservation Component(int replicas, Func<int, double> ingest, TimeSpan span, bool rescaling = false, double lag = 0)
    {
        var count = (int)(span / Build.Step) + 1;
        var busy = 0.8 * 4 / replicas;
        var component = Build.Component(
            ComponentKind.Compute,
            replicas,
            (Signal.IngestRate, Build.Series(count, ingest)),
            (Signal.ProcessedRate, Build.Constant(400_000, TimeSpan.FromMinutes(10))),
            (Signal.BusyRatio, Build.Constant(busy, TimeSpan.FromMinutes(10))),
            (Signal.SourceLagMessages, Build.Constant(lag, TimeSpan.FromMinutes(10))));
        return component with { RescaleInProgress = rescaling };
    }

    private static Proposal Propose(ComponentObservation component, string extra = "", ScalingHistory history = default) =>
        Build.Policy(Spec + extra).Propose(Build.Context(component, history));

    // Each row: replicas, ingest shape (phase in degrees, or NaN for noise), minutes of history, expected replicas, expected situation, why.
    public static TheoryData<int, double, int, int, string, string> Cases => new()
    {
        // Rising: 500k now, 800k within the lead time. Reactive alone: ceil(500k / 0.7 / 125k) = 6; the peak: ceil(800k / 0.7 / 125k) = 10.
        { 4, 0, 480, 10, "forecast peak", "scales ahead of a forecast peak" },
        // Falling: 500k now and less to come. The current load still needs 6: the forecast does not lower it.
        { 4, 180, 480, 6, "does not raise it", "never scales in on a forecast alone" },
        // Half an hour of history is less than a season: reactive.
        { 4, 0, 30, 6, "not enough ingest history", "reactive until it has seen a season" },
        // Five replicas carry 500k at 80%: inside the [0.5, 0.9] band, and the falling forecast adds nothing.
        { 5, 180, 480, 5, "within its band", "no change inside the utilisation band" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sizes_for_the_forecast_or_the_current_load(int replicas, double phase, int minutes, int expected, string situation, string why)
    {
        var span = TimeSpan.FromMinutes(minutes);
        var count = (int)(span / Build.Step) + 1;
        var ingest = double.IsNaN(phase) ? Noise : Sine(phase, count);

        var proposal = Propose(Component(replicas, ingest, span));

        Assert.True(expected == proposal.Replicas, $"{why}: expected {expected}, got {proposal.Replicas} ({proposal.Explain()})");
        Assert.Contains(situation, proposal.Explain(), StringComparison.Ordinal);
        Assert.Equal(125_000, proposal.Numbers[3], 6);
    }

    [Fact]
    public void A_noisy_history_is_not_trusted()
    {
        var component = Component(4, Noise, History);
        var proposal = Propose(component);

        // Eight hours is long enough to look for a season, and there is none: the reason must not promise a forecast later.
        Assert.Contains("no season found in the ingest history", proposal.Explain(), StringComparison.Ordinal);
        // Reactive: the last minute's rate (five samples) at 70% of 125k per replica.
        var last = (int)(History / Build.Step);
        var rate = Enumerable.Range(last - 4, 5).Average(Noise);
        Assert.True((int)Math.Ceiling(rate / 0.7 / 125_000) == proposal.Replicas, proposal.Explain());
    }

    [Fact]
    public void The_forecast_of_a_clean_season_is_accurate_and_trusted()
    {
        var count = (int)(History / Build.Step) + 1;

        var proposal = Propose(Component(4, Sine(0, count), History));

        Assert.InRange(proposal.Numbers[1], 780_000, 820_000); // the peak of 800k
        Assert.InRange(proposal.Numbers[2], 0, 0.05);          // back-test error
    }

    [Fact]
    public void Lag_is_worked_off_within_the_catch_up_duration()
    {
        // 150M messages over 10 minutes: +250k/s on top of 500k: ceil(750k / 0.7 / 125k) = 9.
        var proposal = Propose(Component(4, _ => 500_000, TimeSpan.FromMinutes(30), lag: 150_000_000));

        Assert.Equal(9, proposal.Replicas);
    }

    [Fact]
    public void Without_an_ingest_rate_it_abstains_and_says_so()
    {
        var component = Build.Component(ComponentKind.Compute, 4, (Signal.ProcessedRate, Build.Constant(1, TimeSpan.FromMinutes(10))));

        var proposal = Propose(component);

        Assert.Equal(ProposalKind.Abstain, proposal.Kind);
        Assert.True(proposal.MetricsMissing);
        Assert.Equal(Signal.IngestRate, proposal.Signal);
    }

    [Fact]
    public void A_fresh_fit_is_reused_from_the_last_proposal_and_a_stale_one_is_not()
    {
        var component = Component(4, _ => 500_000, TimeSpan.FromMinutes(30));
        Proposal Previous(TimeSpan ago) => new()
        {
            Policy = "predictive",
            Kind = ProposalKind.Replicas,
            Replicas = 4,
            Template = new ExplanationTemplate("earlier"),
            Numbers = new Numbers(500_000, 2_000_000, 0.01, 125_000, 4, (Build.Now - ago).ToUnixTimeSeconds()),
        };
        ScalingHistory After(Proposal previous) => Build.History(Build.Recommendation(TimeSpan.FromSeconds(15), 4, 4) with { Proposals = [previous] });

        var fresh = Propose(component, history: After(Previous(TimeSpan.FromMinutes(2))));
        var stale = Propose(component, history: After(Previous(TimeSpan.FromMinutes(20))));

        Assert.Equal(23, fresh.Replicas);   // the remembered 2M peak: ceil(2M / 0.7 / 125k)
        Assert.Equal(6, stale.Replicas);    // refitted on 30 minutes: no forecast, the current 500k
    }

    [Fact]
    public void While_a_rescale_is_in_progress_the_capacity_comes_from_the_last_proposal()
    {
        var previous = new Proposal
        {
            Policy = "predictive", Kind = ProposalKind.Replicas, Replicas = 4, Template = new ExplanationTemplate("earlier"),
            Numbers = new Numbers(500_000, double.NaN, double.NaN, 200_000, 4, Build.Now.ToUnixTimeSeconds()),
        };
        var history = Build.History(Build.Recommendation(TimeSpan.FromSeconds(15), 4, 4) with { Proposals = [previous] });

        // The measured 125k/s per replica describes replicas that are being moved: the remembered 200k/s is used.
        var proposal = Propose(Component(4, _ => 500_000, TimeSpan.FromMinutes(30), rescaling: true), history: history);

        Assert.Equal(200_000, proposal.Numbers[3]);
    }

    [Fact]
    public void The_forecast_can_only_raise_the_count()
    {
        // For any season phase, load level and replica count, trusting the forecast never proposes fewer replicas
        // than ignoring it (maxForecastError 0 never trusts it).
        var count = (int)(History / Build.Step) + 1;
        Prop.ForAll(
            Gen.Choose(0, 359).ToArbitrary(),
            Gen.Choose(1, 20).ToArbitrary(),
            Gen.Choose(1, 30).ToArbitrary(),
            (phase, replicas, level) =>
            {
                Func<int, double> ingest = i => Sine(phase, count)(i) * level / 10;
                var component = Component(replicas, ingest, History);
                var withForecast = Propose(component, "\nmaxForecastError: 10");
                var reactive = Propose(component, "\nmaxForecastError: 0.000001");
                return withForecast.Replicas >= reactive.Replicas;
            }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("type: predictive\nseasonLength: 1d\nhistory: 12h", "history: must cover at least one seasonLength (1d), got 12h")]
    [InlineData("type: predictive\ntargetUtilization: 0.8\nutilizationMin: 0.9", "utilizationMin (0.9) <= targetUtilization (0.8) <= utilizationMax (0.9) must hold")]
    [InlineData("type: predictive\nleadTime: soon", "leadTime: must be a duration like 30s")]
    [InlineData("type: predictive\nharmonic: 3", "harmonic: unknown field; did you mean harmonics?")]
    public void Bad_fields_are_named(string yaml, string expected)
    {
        var error = Assert.Throws<SpecException>(() => Build.Policy(yaml));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void It_sizes_compute_only()
    {
        var error = Assert.Throws<SpecException>(() => Build.Policy("type: predictive", ComponentKind.Compactor));

        Assert.Contains("predictive sizes the dataflow: it applies to compute only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_season_is_used_as_given()
    {
        var spec = Assert.IsType<RwAutoscaler.Policies.BuiltIn.PredictivePolicySpec>(Build.Spec("compute:\n  maxReplicas: 8\n  policies:\n    - type: predictive\n      seasonLength: 2h\n").Components[0].Policies[0]);

        Assert.Equal(Season, spec.SeasonLength);
        Assert.Equal(TimeSpan.FromHours(4), spec.History); // two seasons by default
        var count = (int)(History / Build.Step) + 1;
        var proposal = Build.Policy(Spec + "\nseasonLength: 2h").Propose(Build.Context(Component(4, Sine(0, count), History)));
        Assert.Equal(10, proposal.Replicas);
    }
}
