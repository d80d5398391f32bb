using System.Text.Json;
using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Policies.Configuration;
using RwAutoscaler.Policies.Engine;

namespace RwAutoscaler.Autoscaler.Resources;

/// <summary>
/// Reads a RisingWaveAutoscaler object into an <see cref="AutoscalerConfig"/>. Every error names its path from the
/// object's root (<c>spec.compute.policies[0].targetUtilization: must be in (0, 1], got 1.4</c>) and all are reported at
/// once; the engine's own parser reads the policy fields, so the resource and the policy files accept the same things.
/// </summary>
internal static class AutoscalerSpecReader
{
    private static readonly string[] PolicyFields = ["staleAfter", "signals", "compute", "compactor"];

    public static AutoscalerConfig? Read(JsonObject obj, out IReadOnlyList<SpecError> errors, PolicyRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var list = new SpecErrorList();
        var config = Read(obj, list, registry ?? PolicyRegistry.BuiltIn);
        errors = list.Errors;
        return list.HasErrors ? null : config;
    }

    private static AutoscalerConfig? Read(JsonObject obj, SpecErrorList errors, PolicyRegistry registry)
    {
        var ns = obj.GetNamespace() ?? "default";
        var name = obj.GetName() ?? "";
        var specNode = obj["spec"];
        if (specNode is not JsonObject)
        {
            errors.Add("spec", specNode is null ? "is required" : $"must be a map, got {specNode.GetValueKind()}");
            return null;
        }

        var root = ConfigLoader.FromJson(JsonSerializer.SerializeToElement(specNode, KubeJson.Options));
        var spec = ConfigMapReader.Open(root, "spec", errors)!;

        string? target = null;
        if (spec.Map("targetRef") is { } targetRef)
        {
            target = targetRef.OptionalString("name");
            if (target is null)
            {
                errors.Add("spec.targetRef.name", "is required: the name of a RisingWave in this namespace", targetRef.Node);
            }
            else if (!IsDnsSubdomain(target))
            {
                targetRef.Fail("name", targetRef.Field("name")!, $"must be a RisingWave name (lowercase letters, digits, '-' and '.'), got '{target}'");
            }

            targetRef.Done();
        }
        else
        {
            errors.Add("spec.targetRef", "is required: {name: <RisingWave in this namespace>}", spec.Node);
        }

        var mode = spec.Choice("mode", AutoscalerMode.Active, ("active", AutoscalerMode.Active), ("dryRun", AutoscalerMode.DryRun));
        var interval = spec.Duration("pollingInterval", AutoscalerConfig.DefaultPollingInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var historyLimit = spec.Integer("historyLimit", AutoscalerConfig.DefaultHistoryLimit, 0, 100);
        var prometheus = ReadPrometheus(spec.Map("prometheus"));

        var policyEntries = spec.Node.Entries.Where(e => PolicyFields.Contains(e.Key, StringComparer.Ordinal)).ToList();
        foreach (var field in PolicyFields)
        {
            spec.Field(field);
        }

        var policy = SpecParser.ReadSpec(new ConfigMap(policyEntries), "spec", errors, registry);
        spec.Done();
        if (target is null || policy is null)
        {
            return null;
        }

        return new AutoscalerConfig
        {
            Resource = new ClusterRef(ns, name),
            Generation = obj.GetGeneration() ?? 0,
            Uid = obj.GetUid(),
            Target = new ClusterRef(ns, target),
            Mode = mode,
            PollingInterval = interval,
            HistoryLimit = historyLimit,
            Prometheus = prometheus,
            Engine = new ScalingEngine(policy, registry),
        };
    }

    private static PrometheusOverride? ReadPrometheus(ConfigMapReader? map)
    {
        if (map is null)
        {
            return null;
        }

        Uri? address = null;
        if (map.OptionalString("address") is { } text)
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                address = uri;
            }
            else
            {
                map.Fail("address", map.Field("address")!, $"must be an http or https URL such as http://prometheus:9090, got '{text}'");
            }
        }
        else
        {
            map.Errors.Add(map.PathOf("address"), "is required: the base URL of the Prometheus HTTP API", map.Node);
        }

        var token = ReadSecretKey(map.Map("bearerTokenSecret"));
        SecretKey? username = null, password = null;
        if (map.Map("basicAuth") is { } basic)
        {
            username = ReadSecretKey(basic.Map("username"));
            password = ReadSecretKey(basic.Map("password"));
            if (username is null || password is null)
            {
                basic.Errors.Add(basic.Path, "needs both username and password ({name, key} of a secret each)", basic.Node);
            }

            basic.Done();
        }

        if (token is not null && username is not null)
        {
            map.Errors.Add(map.Path, "give either bearerTokenSecret or basicAuth, not both", map.Node);
        }

        var ca = ReadSecretKey(map.Map("caSecret"));
        var insecure = map.Boolean("insecureSkipVerify", false);
        var timeout = map.Duration("timeout", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (map.Map("headers") is { } headerMap)
        {
            foreach (var (key, _) in headerMap.Node.Entries)
            {
                if (headerMap.OptionalString(key) is { } value)
                {
                    headers[key] = value;
                }
            }

            headerMap.Done();
        }

        map.Done();
        return address is null
            ? null
            : new PrometheusOverride
            {
                Address = address,
                BearerToken = token,
                Username = username,
                Password = password,
                CertificateAuthorities = ca,
                InsecureSkipVerify = insecure,
                Timeout = timeout,
                Headers = headers,
            };
    }

    private static SecretKey? ReadSecretKey(ConfigMapReader? map)
    {
        if (map is null)
        {
            return null;
        }

        var name = map.OptionalString("name");
        var key = map.OptionalString("key");
        if (name is null || key is null)
        {
            map.Errors.Add(map.Path, "must name a secret and a key: {name: <secret>, key: <key>}", map.Node);
        }

        map.Done();
        return name is null || key is null ? null : new SecretKey(name, key);
    }

    private static bool IsDnsSubdomain(string name) =>
        name.Length is > 0 and <= 253
        && name.Split('.').All(label => label.Length > 0
            && char.IsAsciiLetterLower(label[0]) | char.IsAsciiDigit(label[0])
            && char.IsAsciiLetterLower(label[^1]) | char.IsAsciiDigit(label[^1])
            && label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'));
}
