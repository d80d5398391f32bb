namespace RwAutoscaler.Kube.Config;

/// <summary>Supplies a bearer token; implementations cache and refresh as their source requires.</summary>
public interface ITokenSource
{
    ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>A token that never changes (kubeconfig <c>token</c>).</summary>
public sealed class StaticTokenSource(string token) : ITokenSource
{
    public ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(token);
}

/// <summary>
/// A token file re-read every <see cref="RefreshPeriod"/> (client-go NewCachedFileTokenSource, one
/// minute): projected service-account tokens rotate, so caching forever breaks after about an hour.
/// </summary>
public sealed class FileTokenSource(string path, TimeProvider? timeProvider = null) : ITokenSource, IDisposable
{
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? token;
    private DateTimeOffset readAt = DateTimeOffset.MinValue;

    public static TimeSpan RefreshPeriod { get; } = TimeSpan.FromMinutes(1);

    public string Path => path;

    public void Dispose() => gate.Dispose();

    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (token is null || now - readAt >= RefreshPeriod)
            {
                try
                {
                    token = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
                    readAt = now;
                }
                catch (IOException) when (token is not null)
                {
                    // Keep the last good token while the kubelet swaps the file; retry on the next call.
                }
            }
            return token;
        }
        finally
        {
            gate.Release();
        }
    }
}
