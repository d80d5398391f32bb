using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using RwAutoscaler.Autoscaler.Overrides;
using RwAutoscaler.Autoscaler.Resources;
using RwAutoscaler.Kube.Client;

namespace RwAutoscaler.KubectlRwa.Verbs;

/// <summary>
/// The verbs that write the documented override annotations (docs/overrides.md) on the RisingWave an autoscaler
/// sizes, with one JSON merge patch, and print what they changed. Bad input changes nothing.
/// </summary>
internal static class OverrideVerbs
{
    private static readonly string[] Components = ["compute", "compactor"];

    public static Command Pause(TargetOptions target, TextWriter output, TimeProvider time)
    {
        var (command, name) = Verb("pause", "Hold every component where it is (rwautoscaler.dev/paused), until resumed or until the expiry");
        var expiry = new Expiry();
        expiry.AddTo(command);
        command.SetAction((result, ct) => WriteAsync(target, result, name, output, _ =>
            new() { [OverrideAnnotations.Paused] = Expiry.Value("true", expiry.Read(result, time.GetUtcNow())) }, ct));
        return command;
    }

    public static Command Resume(TargetOptions target, TextWriter output)
    {
        var (command, name) = Verb("resume", "Remove the pause (rwautoscaler.dev/paused)");
        command.SetAction((result, ct) => WriteAsync(target, result, name, output, _ => new() { [OverrideAnnotations.Paused] = null }, ct));
        return command;
    }

    public static Command Pin(TargetOptions target, TextWriter output, TimeProvider time)
    {
        var (command, name) = Verb("pin", "Pin components at a replica count (rwautoscaler.dev/<component>-replicas): pin NAME compute=6 [compactor=2]");
        var pins = new Argument<string[]>("COMPONENT=N") { Description = "compute=N and/or compactor=N, N at least 1", Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(pins);
        var expiry = new Expiry();
        expiry.AddTo(command);
        command.SetAction((result, ct) => WriteAsync(target, result, name, output, _ =>
        {
            var until = expiry.Read(result, time.GetUtcNow());
            var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (component, value) in Pairs(result.GetValue(pins)!, "COMPONENT=N", "compute=6"))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) || replicas < 1)
                {
                    throw new PluginError($"{component}={value}: expected a replica count of at least 1, e.g. {component}=6 (to stop scaling, pause)");
                }

                changes[$"{OverrideAnnotations.Prefix}{component}-replicas"] = Expiry.Value(value, until);
            }

            return changes;
        }, ct));
        return command;
    }

    public static Command Unpin(TargetOptions target, TextWriter output)
    {
        var (command, name) = Verb("unpin", "Remove pins: unpin NAME [compute] [compactor] (default both)");
        var which = new Argument<string[]>("COMPONENT") { Description = "compute and/or compactor (default both)", Arity = ArgumentArity.ZeroOrMore };
        command.Arguments.Add(which);
        command.SetAction((result, ct) => WriteAsync(target, result, name, output, _ =>
        {
            var chosen = result.GetValue(which) is { Length: > 0 } given ? given : Components;
            foreach (var component in chosen.Where(c => !Components.Contains(c)))
            {
                throw new PluginError($"{component}: expected compute or compactor");
            }

            return chosen.ToDictionary(c => $"{OverrideAnnotations.Prefix}{c}-replicas", _ => (string?)null, StringComparer.Ordinal);
        }, ct));
        return command;
    }

    public static Command Bounds(TargetOptions target, TextWriter output, TimeProvider time)
    {
        var (command, name) = Verb("bounds", "Temporary bounds (rwautoscaler.dev/<component>-min-replicas, -max-replicas): bounds NAME compute=2..20 [compactor=1..4]; 'off' removes them");
        var bounds = new Argument<string[]>("COMPONENT=MIN..MAX") { Description = "compute=2..20, compute=4.. (min only), compute=..20 (max only), compute=off", Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(bounds);
        var expiry = new Expiry();
        expiry.AddTo(command);
        command.SetAction((result, ct) => WriteAsync(target, result, name, output, _ =>
        {
            var until = expiry.Read(result, time.GetUtcNow());
            var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (component, value) in Pairs(result.GetValue(bounds)!, "COMPONENT=MIN..MAX", "compute=2..20"))
            {
                var min = $"{OverrideAnnotations.Prefix}{component}-min-replicas";
                var max = $"{OverrideAnnotations.Prefix}{component}-max-replicas";
                if (value == "off")
                {
                    changes[min] = null;
                    changes[max] = null;
                    continue;
                }

                var parts = value.Split("..");
                int? low = parts.Length == 2 && parts[0].Length > 0 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : null;
                int? high = parts.Length == 2 && parts[1].Length > 0 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h) ? h : null;
                if (parts.Length != 2 || (low is null && high is null) || (low is null && parts[0].Length > 0) || (high is null && parts[1].Length > 0))
                {
                    throw new PluginError($"{component}={value}: expected MIN..MAX such as {component}=2..20 (or 2.. or ..20), with whole numbers");
                }

                if (low > high)
                {
                    throw new PluginError($"{component}={value}: the minimum is above the maximum");
                }

                if (low is { } lo)
                {
                    changes[min] = Expiry.Value(lo.ToString(CultureInfo.InvariantCulture), until);
                }

                if (high is { } hi)
                {
                    changes[max] = Expiry.Value(hi.ToString(CultureInfo.InvariantCulture), until);
                }
            }

            return changes;
        }, ct));
        return command;
    }

    public static Command DryRun(TargetOptions target, TextWriter output, TimeProvider time)
    {
        var (command, name) = Verb("dry-run", "Decide and report without acting (rwautoscaler.dev/dry-run): dry-run NAME on|off");
        var state = new Argument<string>("on|off") { Description = "on: decisions are reported, not applied; off: removes the annotation" };
        command.Arguments.Add(state);
        var expiry = new Expiry();
        expiry.AddTo(command);
        command.SetAction((result, ct) => WriteAsync(target, result, name, output, _ => result.GetValue(state) switch
        {
            "on" => new() { [OverrideAnnotations.DryRun] = Expiry.Value("true", expiry.Read(result, time.GetUtcNow())) },
            "off" => result.GetValue(expiry.For) is null && result.GetValue(expiry.Until) is null
                ? new() { [OverrideAnnotations.DryRun] = null }
                : throw new PluginError("dry-run off: takes no --for or --until"),
            var other => throw new PluginError($"dry-run: expected on or off, got '{other}'"),
        }, ct));
        return command;
    }

    private static (Command Command, Argument<string> Name) Verb(string verb, string description)
    {
        var name = new Argument<string>("NAME") { Description = "The RisingWaveAutoscaler (its RisingWave gets the annotation)" };
        return (new Command(verb, description) { name }, name);
    }

    private static IEnumerable<(string Component, string Value)> Pairs(string[] items, string form, string example)
    {
        foreach (var item in items)
        {
            var at = item.IndexOf('=', StringComparison.Ordinal);
            var component = at < 0 ? item : item[..at];
            if (at < 0 || !Components.Contains(component))
            {
                throw new PluginError($"{item}: expected {form} with component compute or compactor, e.g. {example}");
            }

            yield return (component, item[(at + 1)..]);
        }
    }

    // Everything is checked before the first call: bad input never reaches the cluster.
    private static async Task<int> WriteAsync(
        TargetOptions target, ParseResult result, Argument<string> nameArgument, TextWriter output,
        Func<string, Dictionary<string, string?>> changes, CancellationToken cancellationToken)
    {
        var name = result.GetValue(nameArgument)!;
        var wanted = changes(name);
        var (client, ns) = target.Connect(result);
        using (client)
        {
            var autoscaler = await Autoscalers.GetAsync(client, ns, name, cancellationToken);
            var risingWave = Autoscalers.TargetName(autoscaler) ?? throw new PluginError($"risingwaveautoscaler \"{name}\" has no spec.targetRef.name");
            var annotations = new JsonObject();
            foreach (var (key, value) in wanted)
            {
                annotations[key] = value;
            }

            await Autoscalers.Call(() => client.Resource(RisingWaveState.Resource).PatchAsync(ns, risingWave,
                KubePatch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = annotations } }), cancellationToken));
            foreach (var (key, value) in wanted)
            {
                await output.WriteLineAsync(value is null
                    ? $"risingwave {ns}/{risingWave}: removed {key}"
                    : $"risingwave {ns}/{risingWave}: {key}={value}");
            }
        }

        return ExitCodes.Ok;
    }
}
