using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace RwAutoscaler.Autoscaler.Prometheus;

/// <summary>
/// The Prometheus HTTP API client: instant and range queries, bearer or basic auth, a CA file, client certificates,
/// a timeout per request (also passed to Prometheus, so it stops evaluating too), extra headers, and every failure
/// turned into a <see cref="PrometheusException"/> that says what went wrong. Long queries go as a POST form.
/// </summary>
internal sealed class PrometheusClient : IPrometheusClient, IDisposable
{
    // Past this, a GET's URL risks proxies' limits; the API takes the same parameters as a POST form.
    private const int MaxGetUrlLength = 4000;

    private readonly HttpClient _http;
    private readonly PrometheusOptions _options;
    private readonly string _base;
    private readonly FileValue _token;
    private readonly FileValue _password;

    public PrometheusClient(PrometheusOptions options)
        : this(options, CreateHandler(options))
    {
    }

    internal PrometheusClient(PrometheusOptions options, HttpMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _base = options.Address.AbsoluteUri.TrimEnd('/');
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("rwautoscaler/1.0");
        _token = new FileValue(options.BearerTokenFile, options.BearerToken);
        _password = new FileValue(options.PasswordFile, options.Password);
    }

    public Uri Address => _options.Address;

    public Task<QueryResult> QueryAsync(string query, DateTimeOffset time, CancellationToken cancellationToken) =>
        SendAsync("/api/v1/query", query, [("time", Seconds(time))], cancellationToken);

    public Task<QueryResult> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "the step must be positive");
        }

        return SendAsync(
            "/api/v1/query_range",
            query,
            [("start", Seconds(start)), ("end", Seconds(end)), ("step", step.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture))],
            cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<QueryResult> SendAsync(string path, string query, (string, string)[] parameters, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var form = new List<KeyValuePair<string, string>>(parameters.Length + 3) { new("query", query) };
        form.AddRange(parameters.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)));
        form.Add(new("timeout", $"{Math.Max(1, (long)_options.Timeout.TotalMilliseconds)}ms"));
        if (_options.PartialResponse == PartialResponse.Deny)
        {
            form.Add(new("partial_response", "false"));
        }

        var url = _base + path;
        var queryString = string.Join('&', form.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
        using var request = url.Length + queryString.Length + 1 <= MaxGetUrlLength
            ? new HttpRequestMessage(HttpMethod.Get, url + "?" + queryString)
            : new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        Authorize(request);
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new PrometheusException(PrometheusErrorKind.Unauthorized, $"{Where(path)}: HTTP {status}: check the bearer token or basic auth credentials");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token);
            }
            catch (JsonException e)
            {
                throw new PrometheusException(PrometheusErrorKind.ServerError, $"{Where(path)}: HTTP {status}: the answer is not JSON ({e.Message})", e);
            }

            using (document)
            {
                QueryResult result;
                try
                {
                    result = ResponseReader.Read(document.RootElement, status);
                }
                catch (PrometheusException e)
                {
                    throw new PrometheusException(e.Kind, $"{Where(path)}: {e.Message}", e) { ErrorType = e.ErrorType };
                }

                if (result.Warnings.Count > 0 && _options.PartialResponse == PartialResponse.Deny)
                {
                    throw new PrometheusException(
                        PrometheusErrorKind.PartialResponse, $"{Where(path)}: partial response denied: {string.Join("; ", result.Warnings)}") { ErrorType = "partial" };
                }

                return result;
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PrometheusException(PrometheusErrorKind.Timeout, $"{Where(path)}: no answer within {_options.Timeout.TotalSeconds:0.###}s", e);
        }
        catch (HttpRequestException e)
        {
            throw new PrometheusException(PrometheusErrorKind.Unreachable, $"{Where(path)}: {e.Message}", e);
        }
    }

    private void Authorize(HttpRequestMessage request)
    {
        if (_token.Read() is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (_options.Username is { } user)
        {
            var pair = Encoding.UTF8.GetBytes($"{user}:{_password.Read() ?? ""}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
        }
    }

    private string Where(string path) => $"prometheus {PrometheusAddress.Redact(_options.Address).TrimEnd('/')}{path}";

    private static string Seconds(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static SocketsHttpHandler CreateHandler(PrometheusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.GZip,
        };
        if (options.CertFile is not null)
        {
            var certificate = X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile);
            handler.SslOptions.ClientCertificates = [certificate];
        }

        if (options.InsecureSkipVerify)
        {
#pragma warning disable CA5359 // the user asked for it explicitly (--prometheus-insecure-skip-verify)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (options.CaFile is not null || options.CaPem is not null)
        {
            var authorities = new X509Certificate2Collection();
            if (options.CaFile is not null)
            {
                authorities.ImportFromPemFile(options.CaFile);
            }
            else
            {
                authorities.ImportFromPem(options.CaPem);
            }

            if (authorities.Count == 0)
            {
                throw new ArgumentException($"{options.CaFile ?? "the CA secret"} holds no PEM certificate", nameof(options));
            }

            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                TrustedBy(authorities, certificate, errors);
        }

        return handler;
    }

    // Only the given authorities are roots; the host name must still match.
    private static bool TrustedBy(X509Certificate2Collection authorities, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    /// <summary>A secret given inline or in a file; the file is re-read when its modification time changes.</summary>
    private sealed class FileValue(string? path, string? inline)
    {
        private readonly Lock _lock = new();
        private DateTime _stamp;
        private string? _value = inline;

        public string? Read()
        {
            if (path is null)
            {
                return _value;
            }

            using var scope = _lock.EnterScope();
            try
            {
                var stamp = File.GetLastWriteTimeUtc(path);
                if (stamp != _stamp || _value is null)
                {
                    _value = File.ReadAllText(path).Trim();
                    _stamp = stamp;
                }
            }
            catch (IOException e)
            {
                throw new PrometheusException(PrometheusErrorKind.Unauthorized, $"cannot read credentials from {path}: {e.Message}", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new PrometheusException(PrometheusErrorKind.Unauthorized, $"cannot read credentials from {path}: {e.Message}", e);
            }

            return _value;
        }
    }
}
