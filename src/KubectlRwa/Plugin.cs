using System.CommandLine;
using RwAutoscaler.KubectlRwa.Verbs;

namespace RwAutoscaler.KubectlRwa;

/// <summary>
/// <c>kubectl rwa</c>: kubectl finds the executable <c>kubectl-rwa</c> on PATH and runs it with the arguments after
/// <c>rwa</c>. Like kubectl it reads the user's kubeconfig (KUBECONFIG, ~/.kube/config) and current namespace, and takes
/// <c>-n</c>, <c>-A</c>, <c>--context</c> and <c>--kubeconfig</c>. Exit codes: 0 done, 1 the cluster failed, 2 bad input
/// (one line that names the argument and the form it expects; nothing is changed).
/// </summary>
internal static class Plugin
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var target = new TargetOptions();
        var root = new RootCommand("kubectl rwa: operate the RisingWave Autoscaler (overrides are annotations on the RisingWave, docs/overrides.md)")
        {
            StatusVerb.Create(target, output),
            ExplainVerb.Create(target, output),
            HistoryVerb.Create(target, output),
            OverrideVerbs.Pause(target, output, time),
            OverrideVerbs.Resume(target, output),
            OverrideVerbs.Pin(target, output, time),
            OverrideVerbs.Unpin(target, output),
            OverrideVerbs.Bounds(target, output, time),
            OverrideVerbs.DryRun(target, output, time),
        };
        target.AddTo(root);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync($"error: {Autoscaler.CommandLine.Readable(parsed.Errors[0].Message)} (see: kubectl rwa --help)");
            return ExitCodes.BadInput;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (PluginError e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
    }
}

internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
}

/// <summary>A failure told to the user in one line: bad input (exit 2) or a cluster that refused (exit 1).</summary>
internal sealed class PluginError(string message, int exitCode = ExitCodes.BadInput) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
