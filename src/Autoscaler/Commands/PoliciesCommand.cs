using System.CommandLine;
using RwAutoscaler.Autoscaler.Cli;
using RwAutoscaler.Autoscaler.ExternalPolicies;

namespace RwAutoscaler.Autoscaler.Commands;

/// <summary><c>autoscaler policies</c>: the policy types every host of this build reads (docs/policy-spec.md).</summary>
internal static class PoliciesCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("policies", "List the policy types a spec may use: the built-in ones and external (gRPC)");
        command.SetAction(_ => cli.Run(() =>
        {
            var types = HostPolicies.Replay.All.ToList();
            var width = types.Max(t => t.Type.Length);
            foreach (var type in types)
            {
                cli.Out.WriteLine($"{type.Type.PadRight(width)}  {type.Summary}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
