using RwAutoscaler.Autoscaler;
using RwAutoscaler.Autoscaler.Cli;

return CommandLine.Run(CliContext.ForProcess(), args);
