using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RwAutoscaler.Benchmarks;

internal static class BenchmarkProgram
{
    public static void Main(string[] args)
    {
        // In-process: the benchmarks reference the projects directly, so BenchmarkDotNet need not regenerate
        // and rebuild a copy of this project (which it cannot find under its assembly name anyway).
        var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args, config);
    }
}
