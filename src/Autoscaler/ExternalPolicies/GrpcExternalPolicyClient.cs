using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using RwAutoscaler.ExternalPolicy.V1;
using V1 = RwAutoscaler.ExternalPolicy.V1;
using RwAutoscaler.Policies.External;
using RwAutoscaler.Policies.Model;

namespace RwAutoscaler.Autoscaler.ExternalPolicies;

/// <summary>
/// One external policy endpoint over gRPC (external_policy.proto): plain HTTP/2 for http://, TLS for https:// (the
/// system's CAs, or the policy's caFile), an optional bearer token read from a file at each call (a rotated Secret is
/// picked up), and at most maxConcurrency calls in flight; waiting for a slot counts against the timeout.
/// </summary>
internal sealed class GrpcExternalPolicyClient : IExternalPolicyClient, IDisposable
{
    // Replays have no timeout; this only ends a call to a service that never answers.
    private static readonly TimeSpan ReplayLimit = TimeSpan.FromMinutes(5);
    private readonly GrpcChannel _channel;
    private readonly RwAutoscaler.ExternalPolicy.V1.ExternalPolicy.ExternalPolicyClient _stub;
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan? _timeout;
    private readonly string? _tokenFile;

    public GrpcExternalPolicyClient(ExternalPolicySpec spec, TimeSpan? timeout)
    {
        _timeout = timeout;
        _tokenFile = spec.BearerTokenFile;
        _slots = new SemaphoreSlim(spec.MaxConcurrency, spec.MaxConcurrency);
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        if (spec.CaFile is { } caFile)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(caFile, certificate, errors) };
        }

        _channel = GrpcChannel.ForAddress(spec.Endpoint, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        _stub = new RwAutoscaler.ExternalPolicy.V1.ExternalPolicy.ExternalPolicyClient(_channel);
    }

    public async Task<ExternalAnswer> ProposeAsync(ExternalQuestion question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        var limit = _timeout ?? ReplayLimit;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(limit);
        try
        {
            await _slots.WaitAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no free call slot within {limit.TotalMilliseconds:0} ms (maxConcurrency reached)");
        }

        try
        {
            var headers = new Metadata();
            if (_tokenFile is not null)
            {
                headers.Add("authorization", "Bearer " + (await File.ReadAllTextAsync(_tokenFile, cancellationToken)).Trim());
            }

            var response = await _stub.ProposeAsync(Request(question), headers, cancellationToken: bounded.Token);
            return new ExternalAnswer(
                response.HasReplicas ? response.Replicas : null,
                response.Reason,
                [.. response.Figures.Select(f => (f.Name, f.Value))]);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {limit.TotalMilliseconds:0} ms");
        }
        catch (RpcException e)
        {
            throw new IOException($"{e.StatusCode}: {e.Status.Detail}", e);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose()
    {
        _channel.Dispose();
        _slots.Dispose();
    }

    internal static ProposeRequest Request(ExternalQuestion question)
    {
        var slash = question.Cluster.IndexOf('/', StringComparison.Ordinal);
        var request = new ProposeRequest
        {
            Policy = question.Policy,
            Namespace = slash < 0 ? "" : question.Cluster[..slash],
            Cluster = question.Cluster[(slash + 1)..],
            Component = question.Component.Kind.ToName(),
            NodeGroup = question.Component.Group,
            Now = Timestamp.FromDateTimeOffset(question.Now),
            CurrentReplicas = question.CurrentReplicas,
            ReadyReplicas = question.ReadyReplicas,
            MaxReplicas = question.MaxReplicas,
        };
        request.Parameters.Add(question.Parameters);
        foreach (var (name, unit, samples) in question.Signals)
        {
            var window = new V1.SignalWindow { Name = name, Unit = unit };
            foreach (var sample in samples.Span)
            {
                window.Samples.Add(new V1.Sample { Time = Timestamp.FromDateTimeOffset(sample.Time), Value = sample.Value });
            }

            request.Signals.Add(window);
        }

        return request;
    }

    // A private CA: the chain must end at the caFile's certificate; names and dates are still checked.
    private static bool Trusted(string caFile, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
