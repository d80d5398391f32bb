using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using RwAutoscaler.Autoscaler.Prometheus;
using RwAutoscaler.Autoscaler.Tests.Fixtures;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Prometheus;

public sealed class PrometheusClientTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-21T10:00:00Z", CultureInfo.InvariantCulture);

    public static TheoryData<string, int, string, int, string> Answers => new()
    {
        // name, HTTP status, body, series expected, first value expected (or the expected error kind)
        { "vector", 200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{"namespace":"a","risingwave_name":"rw"},"value":[1700000000.5,"42.5"]}]}}""", 1, "42.5" },
        { "empty vector", 200, """{"status":"success","data":{"resultType":"vector","result":[]}}""", 0, "" },
        { "NaN value", 200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"NaN"]}]}}""", 1, "NaN" },
        { "+Inf value", 200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"+Inf"]}]}}""", 1, "Infinity" },
        { "scalar", 200, """{"status":"success","data":{"resultType":"scalar","result":[1700000000,"3"]}}""", 1, "3" },
        { "matrix", 200, """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[[1700000000,"1"],[1700000015,"2"]]}]}}""", 1, "1" },
        { "native histogram is skipped", 200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"histogram":[1700000000,{"count":"1"}]}]}}""", 1, "" },
        { "bad query", 400, """{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected right parenthesis ')'"}""", -1, "BadQuery" },
        { "execution error", 422, """{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory"}""", -1, "BadQuery" },
        { "unavailable", 503, """{"status":"error","errorType":"unavailable","error":"TSDB not ready"}""", -1, "ServerError" },
        { "timeout", 503, """{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}""", -1, "Timeout" },
        { "not JSON", 502, "<html>Bad Gateway</html>", -1, "ServerError" },
        { "no status", 200, """{"data":{"resultType":"vector","result":[]}}""", -1, "ServerError" },
        { "string result", 200, """{"status":"success","data":{"resultType":"string","result":[1700000000,"x"]}}""", -1, "ServerError" },
        { "value not a number", 200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"abc"]}]}}""", -1, "ServerError" },
        { "sample not a pair", 200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":["x"]}]}}""", -1, "ServerError" },
        { "unauthorized", 401, "Unauthorized", -1, "Unauthorized" },
        // Issue 14: answers that are not clean data are errors (and every error is an outage for what it concerns).
        { "internal error", 500, """{"status":"error","errorType":"internal","error":"unexpected error"}""", -1, "ServerError" },
        { "canceled", 503, """{"status":"error","errorType":"canceled","error":"query was canceled"}""", -1, "ServerError" },
        { "success body on HTTP 500", 500, """{"status":"success","data":{"resultType":"vector","result":[]}}""", -1, "ServerError" },
        { "numeric label value", 200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{"namespace":7},"value":[1700000000,"1"]}]}}""", -1, "ServerError" },
        { "time of 1e300", 200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1e300,"1"]}]}}""", -1, "ServerError" },
        { "negative time", 200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[-5,"1"]}]}}""", -1, "ServerError" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Reads_every_answer_or_names_what_is_wrong(string name, int status, string body, int series, string expected)
    {
        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Json(status, body));
        using var client = new PrometheusClient(new PrometheusOptions { Address = server.Address });
        if (series < 0)
        {
            var error = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", At, CancellationToken.None));
            Assert.Equal(expected, error.Kind.ToString());
            Assert.Contains(server.Address.Authority, error.Message, StringComparison.Ordinal);
            return;
        }

        var result = await client.QueryAsync("up", At, CancellationToken.None);
        Assert.Equal(series, result.Series.Count);
        if (series > 0 && expected.Length > 0)
        {
            Assert.Equal(expected, result.Series[0].Samples[0].Value.ToString(CultureInfo.InvariantCulture));
        }

        Assert.True(name.Length > 0);
    }

    [Fact]
    public async Task Sends_query_time_and_timeout_and_reads_the_time_of_samples()
    {
        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Json(200,
            """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1763719200.25,"1"]}]}}"""));
        using var client = new PrometheusClient(new PrometheusOptions { Address = server.Address, Timeout = TimeSpan.FromSeconds(7) });
        var result = await client.QueryAsync("sum(up)", At, CancellationToken.None);
        var seen = Assert.Single(server.Seen);
        Assert.Equal("/api/v1/query", seen.Path);
        Assert.Equal("sum(up)", seen.Parameters["query"]);
        Assert.Equal(At.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), seen.Parameters["time"]);
        Assert.Equal("7000ms", seen.Parameters["timeout"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1763719200250), result.Series[0].Samples[0].Time);
    }

    [Fact]
    public async Task Keeps_a_path_prefix_and_sends_long_queries_as_a_form()
    {
        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Json(200, """{"status":"success","data":{"resultType":"vector","result":[]}}"""));
        using var client = new PrometheusClient(new PrometheusOptions { Address = new Uri(server.Address, "prometheus/") });
        var longQuery = "sum by (namespace) (up{namespace=~\"" + string.Join('|', Enumerable.Range(0, 500).Select(i => $"ns-{i}")) + "\"})";
        await client.QueryAsync(longQuery, At, CancellationToken.None);
        await client.QueryAsync("up", At, CancellationToken.None);
        var (post, get) = (server.Seen[0], server.Seen[1]);
        Assert.Equal(("POST", "/prometheus/api/v1/query"), (post.Method, post.Path));
        Assert.Equal(longQuery, post.Parameters["query"]);
        Assert.Equal(("GET", "/prometheus/api/v1/query"), (get.Method, get.Path));
    }

    [Fact]
    public async Task Range_queries_send_start_end_and_step()
    {
        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Json(200,
            """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"x":"1"},"values":[[1700000000,"1"],[1700000015,"2"]]}]}}"""));
        using var client = new PrometheusClient(new PrometheusOptions { Address = server.Address });
        var result = await client.QueryRangeAsync("up", At.AddMinutes(-5), At, TimeSpan.FromSeconds(15), CancellationToken.None);
        var seen = Assert.Single(server.Seen);
        Assert.Equal("/api/v1/query_range", seen.Path);
        Assert.Equal(At.AddMinutes(-5).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), seen.Parameters["start"]);
        Assert.Equal(At.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), seen.Parameters["end"]);
        Assert.Equal("15", seen.Parameters["step"]);
        Assert.Equal(ResultType.Matrix, result.Type);
        Assert.Equal(2, result.Series[0].Samples.Length);
    }

    [Fact]
    public async Task Bearer_token_from_a_file_is_re_read_when_it_rotates()
    {
        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Json(200, """{"status":"success","data":{"resultType":"vector","result":[]}}"""));
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "first-token\n");
            using var client = new PrometheusClient(new PrometheusOptions { Address = server.Address, BearerTokenFile = file });
            await client.QueryAsync("up", At, CancellationToken.None);
            await File.WriteAllTextAsync(file, "second-token");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
            await client.QueryAsync("up", At, CancellationToken.None);
            Assert.Equal(["Bearer first-token", "Bearer second-token"], server.Seen.Select(s => s.Headers["Authorization"]));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Basic_auth_and_extra_headers_are_sent()
    {
        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Json(200, """{"status":"success","data":{"resultType":"vector","result":[]}}"""));
        using var client = new PrometheusClient(new PrometheusOptions
        {
            Address = server.Address,
            Username = "reader",
            Password = "s3cret",
            Headers = new Dictionary<string, string> { ["X-Scope-OrgID"] = "tenant-1" },
        });
        await client.QueryAsync("up", At, CancellationToken.None);
        var seen = Assert.Single(server.Seen);
        Assert.Equal("Basic " + Convert.ToBase64String("reader:s3cret"u8.ToArray()), seen.Headers["Authorization"]);
        Assert.Equal("tenant-1", seen.Headers["X-Scope-OrgID"]);
    }

    [Fact]
    public async Task Warnings_are_returned_or_fail_the_query_when_partial_responses_are_denied()
    {
        const string partial = """{"status":"success","warnings":["store eu-2 unreachable: partial result"],"data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"1"]}]}}""";
        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Json(200, partial));
        using var allow = new PrometheusClient(new PrometheusOptions { Address = server.Address });
        var result = await allow.QueryAsync("up", At, CancellationToken.None);
        Assert.Equal(["store eu-2 unreachable: partial result"], result.Warnings);
        Assert.Single(result.Series);

        using var deny = new PrometheusClient(new PrometheusOptions { Address = server.Address, PartialResponse = PartialResponse.Deny });
        var error = await Assert.ThrowsAsync<PrometheusException>(() => deny.QueryAsync("up", At, CancellationToken.None));
        Assert.Equal(PrometheusErrorKind.PartialResponse, error.Kind);
        Assert.Contains("store eu-2 unreachable", error.Message, StringComparison.Ordinal);
        Assert.Equal("false", server.Seen[^1].Parameters["partial_response"]);
    }

    [Fact]
    public async Task A_slow_server_is_a_timeout_not_a_hang()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var client = new PrometheusClient(new PrometheusOptions { Address = server.Address, Timeout = TimeSpan.FromMilliseconds(200) });
        var error = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", At, CancellationToken.None));
        Assert.Equal(PrometheusErrorKind.Timeout, error.Kind);
    }

    [Fact]
    public async Task Nobody_listening_is_unreachable()
    {
        var port = FreePort();
        using var client = new PrometheusClient(new PrometheusOptions { Address = new Uri($"http://127.0.0.1:{port}") });
        var error = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", At, CancellationToken.None));
        Assert.Equal(PrometheusErrorKind.Unreachable, error.Kind);
    }

    [Fact]
    public async Task A_ca_file_makes_a_private_certificate_trusted_and_only_it()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        using var withKey = issued.CopyWithPrivateKey(serverKey);
        using var serverCert = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);

        await using var server = await LoopbackServer.StartAsync(LoopbackServer.Json(200, """{"status":"success","data":{"resultType":"vector","result":[]}}"""), serverCert);
        var caFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem());
            using var trusting = new PrometheusClient(new PrometheusOptions { Address = server.Address, CaFile = caFile });
            var result = await trusting.QueryAsync("up", At, CancellationToken.None);
            Assert.Empty(result.Series);

            using var plain = new PrometheusClient(new PrometheusOptions { Address = server.Address });
            var error = await Assert.ThrowsAsync<PrometheusException>(() => plain.QueryAsync("up", At, CancellationToken.None));
            Assert.Equal(PrometheusErrorKind.Unreachable, error.Kind);

            using var insecure = new PrometheusClient(new PrometheusOptions { Address = server.Address, InsecureSkipVerify = true });
            await insecure.QueryAsync("up", At, CancellationToken.None);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
