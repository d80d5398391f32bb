using System.CommandLine;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Autoscaler.Prometheus;

namespace RwAutoscaler.Autoscaler.Cli;

/// <summary>
/// The flags that say how to reach Prometheus and how RisingWave's series are labelled there, shared by every
/// command that reads Prometheus (run, record, dry-run), so that they spell and check them the same way.
/// </summary>
internal sealed class PrometheusFlags
{
    private readonly string _urlName;

    public PrometheusFlags(string urlName)
    {
        _urlName = urlName;
        // Both spellings everywhere: run has always said --prometheus-url, record and dry-run --prometheus.
        Url = new Option<string?>(urlName, urlName == "--prometheus" ? "--prometheus-url" : "--prometheus") { Description = "Prometheus HTTP API, e.g. http://prometheus-operated.monitoring:9090" };
    }

    public Option<string?> Url { get; }

    public Option<FileInfo?> TokenFile { get; } = new("--prometheus-bearer-token-file") { Description = "Bearer token for Prometheus (re-read when it changes)" };

    public Option<string?> Username { get; } = new("--prometheus-username") { Description = "Basic auth user for Prometheus" };

    public Option<FileInfo?> PasswordFile { get; } = new("--prometheus-password-file") { Description = "Basic auth password file for Prometheus" };

    public Option<FileInfo?> CaFile { get; } = new("--prometheus-ca-file") { Description = "PEM certificate authorities to trust for Prometheus" };

    public Option<FileInfo?> CertFile { get; } = new("--prometheus-cert-file") { Description = "Client certificate (PEM) for mutual TLS" };

    public Option<FileInfo?> KeyFile { get; } = new("--prometheus-key-file") { Description = "Client key (PEM) for mutual TLS" };

    public Option<bool> Insecure { get; } = new("--prometheus-insecure-skip-verify") { Description = "Do not verify Prometheus' certificate (tests only)" };

    public Option<string> Timeout { get; } = new("--prometheus-timeout") { Description = "Per-query timeout", DefaultValueFactory = _ => "10s" };

    public Option<string[]> Headers { get; } = new("--prometheus-header") { Description = "Extra header 'Name: value' (repeatable), e.g. 'X-Scope-OrgID: tenant-1'", AllowMultipleArgumentsPerToken = false };

    public Option<string> Partial { get; } = new("--prometheus-partial-response") { Description = "allow: use partial answers (warnings); deny: treat them as failed", DefaultValueFactory = _ => "allow" };

    public Option<string> LabelNamespace { get; } = new("--label-namespace") { Description = "Label holding the namespace", DefaultValueFactory = _ => "namespace" };

    public Option<string> LabelCluster { get; } = new("--label-cluster") { Description = "Label holding the RisingWave name", DefaultValueFactory = _ => "risingwave_name" };

    public Option<string> LabelComponent { get; } = new("--label-component") { Description = "Label holding the component", DefaultValueFactory = _ => "risingwave_component" };

    public Option<string?> LabelGroup { get; } = new("--label-group") { Description = "Label holding the node group, if your relabelling adds one" };

    public Option<string> RateWindow { get; } = new("--rate-window") { Description = "Window of rate() in the signal queries", DefaultValueFactory = _ => "2m" };

    public Option<string> Selector { get; } = new("--selector") { Description = "Extra matchers for every series, e.g. 'cluster=\"eu-1\"'", DefaultValueFactory = _ => "" };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[]
        {
            Url, TokenFile, Username, PasswordFile, CaFile, CertFile, KeyFile, Insecure, Timeout, Headers, Partial,
            LabelNamespace, LabelCluster, LabelComponent, LabelGroup, RateWindow, Selector,
        })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The Prometheus to reach, or null when the URL flag is absent.</summary>
    public PrometheusOptions? Prometheus(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(Url) is not { } url)
        {
            return null;
        }

        return new PrometheusOptions
        {
            Address = ParseUrl(url, result.GetResult(Url)?.IdentifierToken?.Value ?? _urlName),
            BearerTokenFile = Existing(result.GetValue(TokenFile), "--prometheus-bearer-token-file"),
            Username = result.GetValue(Username),
            PasswordFile = Existing(result.GetValue(PasswordFile), "--prometheus-password-file"),
            CaFile = Existing(result.GetValue(CaFile), "--prometheus-ca-file"),
            CertFile = Existing(result.GetValue(CertFile), "--prometheus-cert-file"),
            KeyFile = Existing(result.GetValue(KeyFile), "--prometheus-key-file"),
            InsecureSkipVerify = result.GetValue(Insecure),
            Timeout = InputFiles.Duration(result.GetValue(Timeout)!, "--prometheus-timeout"),
            Headers = ParseHeaders(result.GetValue(Headers) ?? []),
            PartialResponse = result.GetValue(Partial) switch
            {
                "allow" => PartialResponse.Allow,
                "deny" => PartialResponse.Deny,
                var other => throw new CliError($"--prometheus-partial-response: expected allow or deny, got '{other}'"),
            },
        };
    }

    public CatalogueOptions Catalogue(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var catalogue = new CatalogueOptions
        {
            NamespaceLabel = result.GetValue(LabelNamespace)!,
            ClusterLabel = result.GetValue(LabelCluster)!,
            ComponentLabel = result.GetValue(LabelComponent)!,
            GroupLabel = result.GetValue(LabelGroup),
            RateWindow = InputFiles.Duration(result.GetValue(RateWindow)!, "--rate-window"),
            Selector = result.GetValue(Selector)!,
        };
        return catalogue.Validate() is { Count: > 0 } problems ? throw new CliError(string.Join("; ", problems)) : catalogue;
    }

    public static Uri ParseUrl(string text, string option) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new CliError($"{option}: expected an http or https URL such as http://prometheus:9090, got '{text}'");

    public static string? Existing(FileInfo? file, string option) =>
        file is null ? null : file.Exists ? file.FullName : throw new CliError($"{option}: file not found: {file.FullName}");

    public static Dictionary<string, string> ParseHeaders(string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new CliError($"--prometheus-header: expected 'Name: value', got '{value}'");
            }

            headers[value[..colon].Trim()] = value[(colon + 1)..].Trim();
        }

        return headers;
    }
}
