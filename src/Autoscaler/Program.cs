using RwAutoscaler.Autoscaler;
using RwAutoscaler.Autoscaler.Cli;

return CommandLine.Build(CliContext.ForProcess()).Parse(args).Invoke();
