using System.Collections.Immutable;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Engine;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Policies.External;

/// <summary>
/// <c>external</c>: a policy served by the user's own service over gRPC (docs/policy-spec.md, "External policies"):
/// the engine sends it the component's observation and its parameters, and it answers replicas or no opinion.
/// </summary>
public sealed record ExternalPolicySpec : PolicySpec
{
    /// <summary>http:// (plain) or https:// (TLS) address of the gRPC service.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>How long the daemon waits for an answer; replays (dry-run, simulator) wait for it whatever it takes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many calls in flight to the endpoint, per daemon.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>How much of each signal window is sent.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The signals sent, catalogue or custom; empty sends every catalogue signal and every custom one.</summary>
    public ImmutableArray<SignalRef> Signals { get; init; } = [];

    public override IEnumerable<SignalRef> SignalsRead => Signals;

    public ImmutableSortedDictionary<string, string> Parameters { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>A file with the bearer token sent in the authorization header (a mounted Secret).</summary>
    public string? BearerTokenFile { get; init; }

    /// <summary>A PEM file of the CA that signed the service's certificate (https only; default: the system's CAs).</summary>
    public string? CaFile { get; init; }
}

/// <summary>Reads <c>type: external</c>; its instances ask the service through the host's <see cref="IExternalPolicyConnector"/>.</summary>
public sealed class ExternalPolicyType(IExternalPolicyConnector connector) : IPolicyType
{
    public string Type => "external";

    public string Summary => "your own policy, served over gRPC (external_policy.proto): replicas or no opinion, with its reason";

    public PolicySpec? Parse(ConfigMapReader fields, ComponentKind component)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Uri? endpoint = null;
        if (fields.OptionalString("endpoint") is not { } text)
        {
            fields.Errors.Add(fields.PathOf("endpoint"), "required: the service's address, e.g. http://backlog-policy.default.svc:50051", fields.Node);
        }
        else if (!Uri.TryCreate(text, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https") || endpoint.AbsolutePath != "/")
        {
            fields.Fail("endpoint", fields.Field("endpoint")!, $"must be an http:// or https:// address with no path, e.g. http://backlog-policy.default.svc:50051, got '{text}'");
            endpoint = null;
        }

        var timeout = fields.Duration("timeout", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(30));
        var concurrency = fields.Integer("maxConcurrency", 4, 1, 256);
        var window = fields.Duration("window", TimeSpan.FromMinutes(5), TimeSpan.Zero, TimeSpan.FromDays(7));
        var signals = fields.List("signals", (node, path) =>
        {
            if (node is ConfigScalar scalar && CustomSignalSpec.IsName(scalar.Value))
            {
                return (object)SignalRef.Custom(scalar.Value);
            }

            fields.Errors.Add(path, $"must be a signal name: a catalogue signal ({string.Join(", ", SignalNames.All)}) or one defined under signals", node);
            return null;
        });
        var parameters = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (fields.Map("parameters") is { } map)
        {
            foreach (var (key, value) in map.Node.Entries)
            {
                if (map.OptionalString(key) is { } v)
                {
                    parameters[key] = v;
                }
                else if (value is not ConfigScalar)
                {
                    // OptionalString recorded the error.
                }
            }
        }

        var token = fields.OptionalString("bearerTokenFile");
        var ca = fields.OptionalString("caFile");
        if (ca is not null && endpoint is { Scheme: "http" })
        {
            fields.Fail("caFile", fields.Field("caFile")!, "needs an https:// endpoint");
        }

        return endpoint is null ? null : new ExternalPolicySpec
        {
            Type = Type,
            Endpoint = endpoint,
            Timeout = timeout,
            MaxConcurrency = concurrency,
            Window = window,
            Signals = [.. signals.Cast<SignalRef>()],
            Parameters = parameters.ToImmutable(),
            BearerTokenFile = token,
            CaFile = ca,
        };
    }

    public IScalingPolicy Create(PolicySpec spec) => new ExternalPolicy((ExternalPolicySpec)spec, connector.Connect((ExternalPolicySpec)spec));
}
