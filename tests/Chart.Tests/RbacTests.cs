using RwAutoscaler.Chart.Tests.Rendering;
using RwAutoscaler.Chart.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace RwAutoscaler.Chart.Tests;

/// <summary>
/// The chart's RBAC against what the code really calls: <see cref="ClusterFlow"/> records every request of the real
/// daemon and operator processes; each one must be allowed by the rules bound to that process's service account,
/// and each (group, resource, verb) a rule grants must have been used.
/// </summary>
public sealed class RbacTests(ITestOutputHelper output)
{
    private const string Flow = """
        operator:
          enabled: true
        autoscaler:
          rbac:
            readSecrets: true
        """;

    [Fact]
    public async Task The_daemon_is_allowed_every_call_it_makes_and_granted_nothing_it_does_not_use()
    {
        var flow = await ClusterFlow.RecordedAsync();
        var objects = Charts.Chart.Render(Flow, releaseNamespace: ClusterFlow.ReleaseNamespace);
        var rules = RbacRule.For(objects, ClusterFlow.ReleaseNamespace, "rwa-autoscaler");
        Compare(flow.DaemonCalls, rules, "autoscaler run");
    }

    [Fact]
    public async Task The_operator_is_allowed_every_call_it_makes_and_granted_nothing_it_does_not_use()
    {
        var flow = await ClusterFlow.RecordedAsync();
        var objects = Charts.Chart.Render(Flow, releaseNamespace: ClusterFlow.ReleaseNamespace);
        var rules = RbacRule.For(objects, ClusterFlow.ReleaseNamespace, "rwa-operator");
        // The operator records events only on condition transitions; the flow provokes no repeat within the series
        // window, so the series patch that the Kube event recorder sends for a repeat is not in the recording.
        Compare(flow.OperatorCalls, rules, "rw-operator", notProvoked: ["patch events.k8s.io/events"]);
    }

    [Fact]
    public async Task Without_readSecrets_only_the_spec_prometheus_secret_reads_are_refused()
    {
        var flow = await ClusterFlow.RecordedAsync();
        var rules = RbacRule.For(Charts.Chart.Render(releaseNamespace: ClusterFlow.ReleaseNamespace), ClusterFlow.ReleaseNamespace, "rwa-autoscaler");
        var refused = flow.DaemonCalls.Where(c => c.NonResourcePath is null && !rules.Any(r => r.Allows(c))).Select(c => c.Permission).Distinct().ToList();
        Assert.Equal(["get core/secrets"], refused);
    }

    [Fact]
    public async Task Watching_one_namespace_gives_a_Role_there_that_covers_the_calls_in_it()
    {
        var flow = await ClusterFlow.RecordedAsync();
        var objects = Charts.Chart.Render("autoscaler: {watchNamespace: streaming, rbac: {readSecrets: true}}", releaseNamespace: ClusterFlow.ReleaseNamespace);
        Assert.DoesNotContain(objects, o => o.Kind is "ClusterRole" or "ClusterRoleBinding");
        var rules = RbacRule.For(objects, ClusterFlow.ReleaseNamespace, "rwa-autoscaler");

        // With --namespace the daemon lists and watches inside the namespace; the recording watched all, so ask the
        // question of the same calls moved into the namespace.
        var namespaced = flow.DaemonCalls.Where(c => c.NonResourcePath is null)
            .Select(c => c.Namespace is null ? c with { Namespace = "streaming" } : c).ToList();
        var refused = namespaced.Where(c => !rules.Any(r => r.Allows(c))).Select(c => c.ToString()).Distinct().ToList();
        Assert.True(refused.Count == 0, "refused:\n" + string.Join('\n', refused));
    }

    private void Compare(IReadOnlyList<ApiCall> calls, IReadOnlyList<RbacRule> rules, string process, IReadOnlyList<string>? notProvoked = null)
    {
        Assert.NotEmpty(calls);
        foreach (var permission in calls.Select(c => c.Permission).Distinct().Order(StringComparer.Ordinal))
        {
            output.WriteLine($"{process}: {permission}");
        }

        // Discovery (/api, /apis, /version) is granted to every authenticated user by system:discovery; we make none.
        var nonResource = calls.Where(c => c.NonResourcePath is not null).Select(c => c.ToString()).Distinct().ToList();
        Assert.True(nonResource.Count == 0, $"{process} called non-resource paths the chart does not grant: {string.Join(", ", nonResource)}");

        var refused = calls.Where(c => !rules.Any(r => r.Allows(c))).Select(c => c.ToString()).Distinct().ToList();
        Assert.True(refused.Count == 0, $"{process} made calls the chart's RBAC refuses:\n{string.Join('\n', refused)}");

        var unused = rules.SelectMany(r => r.Grants().Select(g => (Rule: r, g.Group, g.Resource, g.Verb)))
            .Where(g => !calls.Any(c => c.Group == g.Group && c.Resource == g.Resource && c.Verb == g.Verb && g.Rule.Allows(c)))
            .Where(g => !(notProvoked ?? []).Contains($"{g.Verb} {g.Group}/{g.Resource}"))
            .Select(g => $"{g.Rule}: {g.Verb} {g.Group}/{g.Resource}")
            .ToList();
        Assert.True(unused.Count == 0, $"the chart grants {process} what it never used:\n{string.Join('\n', unused)}");
    }
}
