using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace RwAutoscaler.Kube.Config;

/// <summary>kubeconfig users[].user.exec: how to run a client.authentication.k8s.io credential plugin.</summary>
public sealed record ExecConfig
{
    public required string Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public string ApiVersion { get; init; } = "client.authentication.k8s.io/v1";

    public bool ProvideClusterInfo { get; init; }

    /// <summary>The directory relative commands are resolved against (the kubeconfig's).</summary>
    public string? WorkingDirectory { get; init; }
}

/// <summary>
/// Runs an exec credential plugin (EKS, GKE, AKS style) with KUBERNETES_EXEC_INFO set, reads the
/// ExecCredential it prints, and caches status.token until status.expirationTimestamp (refreshing a
/// little early); a plugin that gives no expiry is asked once.
/// </summary>
public sealed class ExecTokenSource(ExecConfig exec, Uri server, TimeProvider? timeProvider = null) : ITokenSource, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RefreshEarly = TimeSpan.FromSeconds(10);
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? token;
    private DateTimeOffset? expires;

    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (token is null || (expires is { } e && time.GetUtcNow() >= e - RefreshEarly))
            {
                (token, expires) = await RunAsync(cancellationToken);
            }
            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private async Task<(string Token, DateTimeOffset? Expires)> RunAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(exec.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = exec.WorkingDirectory ?? "",
        };
        foreach (var arg in exec.Args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in exec.Env)
        {
            info.Environment[key] = value;
        }
        var spec = new JsonObject { ["interactive"] = false };
        if (exec.ProvideClusterInfo)
        {
            spec["cluster"] = new JsonObject { ["server"] = server.ToString().TrimEnd('/') };
        }
        info.Environment["KUBERNETES_EXEC_INFO"] = new JsonObject { ["apiVersion"] = exec.ApiVersion, ["kind"] = "ExecCredential", ["spec"] = spec }.ToJsonString();

        using var process = Process.Start(info) ?? throw new KubeConfigException($"exec plugin '{exec.Command}' could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new KubeConfigException($"exec plugin '{exec.Command}' did not finish within {Timeout}");
        }
        if (process.ExitCode != 0)
        {
            throw new KubeConfigException($"exec plugin '{exec.Command}' exited with {process.ExitCode}: {(await stderr).Trim()}");
        }
        JsonNode? credential;
        try
        {
            credential = JsonNode.Parse(await stdout);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new KubeConfigException($"exec plugin '{exec.Command}' did not print an ExecCredential JSON object: {e.Message}", e);
        }
        var status = credential?["status"] as JsonObject
            ?? throw new KubeConfigException($"exec plugin '{exec.Command}': the ExecCredential has no 'status' object");
        var issued = (string?)status["token"];
        if (string.IsNullOrEmpty(issued))
        {
            throw new KubeConfigException($"exec plugin '{exec.Command}': status.token is missing (client certificates from plugins are not supported)");
        }
        DateTimeOffset? expiry = (string?)status["expirationTimestamp"] is { } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : null;
        return (issued, expiry);
    }
}
