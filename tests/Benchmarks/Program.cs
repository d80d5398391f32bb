using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RwAutoscaler.Benchmarks;

internal static class BenchmarkProgram
{
    public static int Main(string[] args)
    {
        // Whole processes, timed by a command rather than BenchmarkDotNet (issue 15's sizing of several daemons).
        if (args.FirstOrDefault() == "fleet")
        {
            return Daemon.FleetBench.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        // In-process: the benchmarks reference the projects directly, so BenchmarkDotNet need not regenerate
        // and rebuild a copy of this project (which it cannot find under its assembly name anyway).
        // AsDefault: a benchmark that names its own job (the operator's minute-long ones) runs only that one.
        // The timeout is for the frontier of two weeks, whose single run takes minutes (BenchmarkDotNet's default is 5).
        var toolchain = new InProcessEmitToolchain(TimeSpan.FromMinutes(20), logOutput: true);
        var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(toolchain).AsDefault());
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args, config);
        return 0;
    }
}
