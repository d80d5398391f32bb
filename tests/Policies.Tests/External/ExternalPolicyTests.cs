using System.Collections.Immutable;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Decisions;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.External;
using RwAutoscaler.Policies.Model;
using RwAutoscaler.Policies.Tests.Support;
using Xunit;

namespace RwAutoscaler.Policies.Tests.External;

/// <summary>type: external, with the transport replaced by a scripted client: what is sent, and what each answer becomes.</summary>
public sealed class ExternalPolicyTests
{
    private sealed class ScriptedClient(Func<ExternalQuestion, ExternalAnswer> answer) : IExternalPolicyClient, IExternalPolicyConnector
    {
        public List<ExternalQuestion> Asked { get; } = [];

        public Task<ExternalAnswer> ProposeAsync(ExternalQuestion question, CancellationToken cancellationToken)
        {
            Asked.Add(question);
            return Task.FromResult(answer(question));
        }

        public IExternalPolicyClient Connect(ExternalPolicySpec spec) => this;
    }

    private const string Policy = """
        compute:
          minReplicas: 1
          maxReplicas: 10
          policies:
            - type: external
              name: backlog
              endpoint: http://policy.test:50051
              signals: [sourceLagMessages, ingestRate]
              window: 1m
              parameters: {targetDrainSeconds: "60"}
        """;

    private static (ScalingEngine Engine, ScriptedClient Client) Engine(Func<ExternalQuestion, ExternalAnswer> answer, string yaml = Policy)
    {
        var client = new ScriptedClient(answer);
        var registry = PolicyRegistry.BuiltIn.With(new ExternalPolicyType(client));
        return (new ScalingEngine(SpecParser.Parse(yaml, "test.yaml", registry)), client);
    }

    private static ClusterObservation Observation(int replicas = 4) => Build.Cluster(Build.Component(ComponentKind.Compute, replicas,
        (Signal.SourceLagMessages, Build.Constant(5000, TimeSpan.FromMinutes(5))),
        (Signal.IngestRate, Build.Constant(1000, TimeSpan.FromMinutes(5))),
        (Signal.CpuUtilization, Build.Constant(0.5, TimeSpan.FromMinutes(5)))));

    [Fact]
    public async Task Sends_the_component_its_parameters_and_only_the_named_signals_within_the_window()
    {
        var (engine, client) = Engine(_ => new ExternalAnswer(6, "drains in 60 s", [("lag", 5000)]));
        await engine.EvaluateAsync(Observation(), default);

        var question = Assert.Single(client.Asked);
        Assert.Equal("backlog", question.Policy);
        Assert.Equal("test/rw", question.Cluster);
        Assert.Equal(ComponentKey.Compute, question.Component);
        Assert.Equal((4, 4, 10), (question.CurrentReplicas, question.ReadyReplicas, question.MaxReplicas));
        Assert.Equal("60", question.Parameters["targetDrainSeconds"]);
        Assert.Equal(["sourceLagMessages", "ingestRate"], question.Signals.Select(s => s.Name));
        Assert.Equal(["messages", "events/s"], question.Signals.Select(s => s.Unit));
        Assert.All(question.Signals, s => Assert.Equal(5, s.Samples.Length)); // 1 m of 15 s samples, both ends included
        Assert.Equal(Build.Now, question.Now);
    }

    [Fact]
    public async Task Sends_custom_signals_with_their_unit_and_every_one_when_none_is_named()
    {
        const string yaml = """
            signals: [{name: sinkBacklog, query: sum(sink_backlog), unit: messages}]
            compute:
              maxReplicas: 10
              policies:
                - {type: external, endpoint: "http://policy.test:50051", window: 1m}
            """;
        var (engine, client) = Engine(_ => new ExternalAnswer(null, "no opinion", []), yaml);
        var observation = Observation();
        var compute = observation.Components[0];
        var custom = new CustomWindow("sinkBacklog", "messages", Build.Constant(70, TimeSpan.FromMinutes(5)));
        await engine.EvaluateAsync(observation with { Components = [compute with { Signals = compute.Signals.WithCustom([custom]) }] }, default);

        var question = Assert.Single(client.Asked);
        Assert.Equal([.. SignalNames.All, "sinkBacklog"], question.Signals.Select(s => s.Name));
        var sent = question.Signals[^1];
        Assert.Equal("messages", sent.Unit);
        Assert.Equal(5, sent.Samples.Length);
    }

    [Fact]
    public async Task An_answer_is_a_proposal_with_the_services_reason_and_numbers_in_the_trail()
    {
        var (engine, _) = Engine(_ => new ExternalAnswer(6, "a backlog drains in {60} s", [("lag_messages", 5000), ("needed_per_s", 1083.3333)]));
        var decision = (await engine.EvaluateAsync(Observation(), default)).Components[0];

        var proposal = Assert.Single(decision.Proposals);
        Assert.Equal((ProposalKind.Replicas, 6), (proposal.Kind, proposal.Replicas));
        Assert.Equal("a backlog drains in {60} s (lag_messages 5000) (needed_per_s 1083.333)", proposal.Explain());
        Assert.Equal(["lag_messages", "needed_per_s"], proposal.Template.Names);
        Assert.Equal(6, decision.To);
    }

    public static TheoryData<string, Func<ExternalQuestion, ExternalAnswer>, string> Failures => new()
    {
        { "timeout", _ => throw new TimeoutException("no answer within 1000 ms"), "no answer from policy.test:50051: no answer within 1000 ms; holding" },
        { "error", _ => throw new IOException("Unavailable: connection refused"), "no answer from policy.test:50051: Unavailable: connection refused; holding" },
        { "above max", _ => new ExternalAnswer(11, "too many", []), "answered 11 replicas, outside [0, 10]; holding" },
        { "negative", _ => new ExternalAnswer(-1, "nonsense", []), "answered -1 replicas, outside [0, 10]; holding" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task No_clean_answer_is_no_opinion_with_metrics_missing_and_the_component_holds(string what, Func<ExternalQuestion, ExternalAnswer> answer, string reason)
    {
        var (engine, _) = Engine(answer);
        var decision = (await engine.EvaluateAsync(Observation(), default)).Components[0];

        var proposal = Assert.Single(decision.Proposals);
        Assert.True(proposal.Kind == ProposalKind.Abstain && proposal.MetricsMissing, what);
        Assert.Equal(reason, proposal.Explain());
        Assert.False(decision.MetricsAvailable);
        Assert.Equal(4, decision.To); // holds: never a scale-down because the service failed
    }

    [Fact]
    public async Task No_opinion_from_the_service_is_an_abstention_and_not_a_missing_metric()
    {
        var (engine, _) = Engine(_ => new ExternalAnswer(null, "no opinion: nothing to drain", []));
        var decision = (await engine.EvaluateAsync(Observation(), default)).Components[0];

        Assert.Equal(ProposalKind.Abstain, decision.Proposals[0].Kind);
        Assert.False(decision.Proposals[0].MetricsMissing);
        Assert.True(decision.MetricsAvailable);
    }

    [Fact]
    public async Task The_blocking_path_of_replays_decides_exactly_as_the_asynchronous_one()
    {
        var (engine, _) = Engine(q => new ExternalAnswer(q.CurrentReplicas + 2, "two more", [("current", q.CurrentReplicas)]));
        var asynchronous = await engine.EvaluateAsync(Observation(3), default);
        var blocking = engine.Evaluate(Observation(3), default);

        Assert.True(engine.AsksElsewhere);
        Assert.Equal(asynchronous.Components[0].To, blocking.Components[0].To);
        Assert.Equal(asynchronous.Components[0].Proposals[0].Explain(), blocking.Components[0].Proposals[0].Explain());
    }

    [Theory]
    [InlineData("endpoint: policy.test:50051", "compute.policies[0].endpoint: must be an http:// or https:// address with no path")]
    [InlineData("endpoint: ftp://policy.test", "compute.policies[0].endpoint: must be an http:// or https:// address with no path")]
    [InlineData("endpoint: http://policy.test/v1", "compute.policies[0].endpoint: must be an http:// or https:// address with no path")]
    [InlineData("name: x", "compute.policies[0].endpoint: required")]
    [InlineData("endpoint: http://p:1\ntimeout: 5x", "compute.policies[0].timeout:")]
    [InlineData("endpoint: http://p:1\nsignals: [lag]", "compute.policies[0]: reads signal 'lag', which is neither a catalogue signal")]
    [InlineData("endpoint: http://p:1\nsignals: [lag-seconds]", "compute.policies[0].signals[0]: must be a signal name: a catalogue signal")]
    [InlineData("endpoint: http://p:1\ncaFile: /ca.crt", "compute.policies[0].caFile: needs an https:// endpoint")]
    [InlineData("endpoint: http://p:1\nmaxConcurrency: 0", "compute.policies[0].maxConcurrency:")]
    [InlineData("endpoint: http://p:1\nendpont: x", "compute.policies[0].endpont: unknown field")]
    public void A_bad_field_is_named_with_the_form_it_expects(string fields, string message)
    {
        var yaml = "compute:\n  maxReplicas: 10\n  policies:\n    - type: external\n" + string.Join('\n', fields.Split('\n').Select(l => "      " + l)) + "\n";
        var registry = PolicyRegistry.BuiltIn.With(new ExternalPolicyType(new ScriptedClient(_ => throw new InvalidOperationException())));

        var error = Assert.Throws<SpecException>(() => SpecParser.Parse(yaml, "test.yaml", registry));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_in_registry_alone_does_not_know_external_and_says_which_types_it_knows()
    {
        var error = Assert.Throws<SpecException>(() => SpecParser.Parse(Policy, "test.yaml"));
        Assert.Contains("must be one of", error.Message, StringComparison.Ordinal);
        Assert.Contains("got 'external'", error.Message, StringComparison.Ordinal);
    }
}
