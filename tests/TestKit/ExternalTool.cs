using System.Diagnostics;

namespace RwAutoscaler.TestKit;

/// <summary>
/// Finds external binaries (kubectl, prometheus, promtool, node) for tests. When one is missing the
/// test must not pass quietly: under CI=true <see cref="Require"/> throws, so the test fails; on a
/// developer machine it returns null and the test returns early with a visible message.
/// </summary>
public static class ExternalTool
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of <paramref name="name"/> on PATH (or in <paramref name="extraDirectories"/>), or null.</summary>
    public static string? Find(string name, params string[] extraDirectories)
    {
        ArgumentNullException.ThrowIfNull(extraDirectories);
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(extraDirectories))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// The path of the tool, or null when it is missing outside CI (the caller then returns early and
    /// says so). Under CI=true a missing tool throws, failing the test.
    /// </summary>
    public static string? Require(string name, string installHint, params string[] extraDirectories)
    {
        var found = Find(name, extraDirectories);
        if (found is null && IsCi)
        {
            throw new InvalidOperationException($"{name} is required under CI=true but was not found on PATH; {installHint}");
        }
        if (found is null)
        {
            Console.Error.WriteLine($"SKIPPED (not CI): {name} not found on PATH; {installHint}");
        }
        return found;
    }

    /// <summary>Runs a tool to completion (bounded by <paramref name="timeout"/>) and returns its exit code and output.</summary>
    public static async Task<ToolResult> RunAsync(string path, IEnumerable<string> args, string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {path}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(path)} {string.Join(' ', info.ArgumentList)} did not finish in time; stderr so far: {await stderr}");
        }
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}

public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError);
