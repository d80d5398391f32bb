using System.Net;
using BacklogPolicy;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// backlog-policy [--listen 0.0.0.0:50051]: serves rwautoscaler.policy.v1.ExternalPolicy over plain HTTP/2.
// With POLICY_TOKEN set, every call must carry "authorization: Bearer <token>"; POLICY_DELAY_MS makes every answer
// that late (to see what a slow service does to the daemon, which holds, and to a replay, which waits).
var listen = args.SkipWhile(a => a != "--listen").Skip(1).FirstOrDefault() ?? "0.0.0.0:50051";
if (!IPEndPoint.TryParse(listen, out var endpoint))
{
    Console.Error.WriteLine($"error: --listen: expected host:port such as 0.0.0.0:50051, got '{listen}'");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint, o => o.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
var delay = int.TryParse(Environment.GetEnvironmentVariable("POLICY_DELAY_MS"), out var ms) && ms > 0 ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;
builder.Services.AddSingleton(new Settings(Environment.GetEnvironmentVariable("POLICY_TOKEN"), delay));
var app = builder.Build();
app.MapGrpcService<BacklogService>();
await app.StartAsync();
Console.WriteLine($"listening on {app.Urls.First()}");
await app.WaitForShutdownAsync();
return 0;

internal sealed record Settings(string? Token, TimeSpan Delay);
