using System.CommandLine;
using RwAutoscaler.Operator.Cli;

var root = new RootCommand("rw-operator: a minimal RisingWave operator (risingwave.risingwavelabs.com/v1alpha1 RisingWave)")
{
    CrdCommand.Create(),
};
RunCommand.Configure(root);
return await root.Parse(args).InvokeAsync();
