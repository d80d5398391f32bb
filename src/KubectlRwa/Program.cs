using RwAutoscaler.KubectlRwa;

return await Plugin.RunAsync(args, Console.Out, Console.Error);
