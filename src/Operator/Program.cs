using System.CommandLine;
using RwAutoscaler.Operator.Cli;

var root = new RootCommand("rw-operator: a minimal RisingWave operator (risingwave.risingwavelabs.com/v1alpha1 RisingWave)")
{
    CrdCommand.Create(),
};
RunCommand.Configure(root);
// A command-line mistake is one error line and exit code 2, as with autoscaler.
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    var first = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
    await Console.Error.WriteLineAsync($"error: {string.Join(", ", first.Message.Split('\n').Select(l => l.Trim())).Replace(":, ", ": ", StringComparison.Ordinal)} (see: rw-operator --help)");
    return 2;
}

return await parsed.InvokeAsync();
