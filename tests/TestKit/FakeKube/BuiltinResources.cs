using System.Globalization;
using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// The built-in kinds the fake serves, with the behaviours of their registry strategies and the
/// columns of their kubectl printers (kubernetes pkg/printers/internalversion/printers.go).
/// </summary>
internal static class BuiltinResources
{
    public static TableColumn Name { get; } = new("Name", "string", (o, _) => Str(o, "metadata", "name"), Format: "name");

    public static TableColumn Age { get; } = new("Age", "string", (o, now) => AgeOf(o, now));

    public static IReadOnlyList<ResourceDefinition> All { get; } =
    [
        new()
        {
            Group = "", Version = "v1", Kind = "Namespace", Plural = "namespaces", ShortNames = ["ns"], Namespaced = false,
            StatusSubresource = true,
            Columns = [Name, new("Status", "string", (o, _) => Str(o, "status", "phase") ?? "Active"), Age],
        },
        new()
        {
            Group = "", Version = "v1", Kind = "Pod", Plural = "pods", ShortNames = ["po"], Categories = ["all"],
            StatusSubresource = true, ReturnsDeletedObject = true,
            Columns =
            [
                Name,
                new("Ready", "string", (o, _) => PodReady(o)),
                new("Status", "string", (o, _) => Str(o, "status", "phase") ?? "Pending"),
                new("Restarts", "string", (_, _) => "0"),
                Age,
            ],
        },
        new()
        {
            Group = "", Version = "v1", Kind = "Service", Plural = "services", ShortNames = ["svc"], Categories = ["all"],
            StatusSubresource = true, ReturnsDeletedObject = true,
            Columns =
            [
                Name,
                new("Type", "string", (o, _) => Str(o, "spec", "type") ?? "ClusterIP"),
                new("Cluster-IP", "string", (o, _) => Str(o, "spec", "clusterIP") ?? "<none>"),
                new("External-IP", "string", (_, _) => "<none>"),
                new("Port(s)", "string", (o, _) => ServicePorts(o)),
                Age,
                new("Selector", "string", (o, _) => MapString(o["spec"]?["selector"] as JsonObject), Priority: 1),
            ],
        },
        new()
        {
            Group = "", Version = "v1", Kind = "ConfigMap", Plural = "configmaps", ShortNames = ["cm"],
            Columns = [Name, new("Data", "integer", (o, _) => Count(o["data"]) + Count(o["binaryData"])), Age],
        },
        new()
        {
            Group = "", Version = "v1", Kind = "Secret", Plural = "secrets",
            Columns = [Name, new("Type", "string", (o, _) => Str(o, "type") ?? "Opaque"), new("Data", "integer", (o, _) => Count(o["data"])), Age],
        },
        new()
        {
            Group = "", Version = "v1", Kind = "Event", Plural = "events", ShortNames = ["ev"],
            Columns = [Name, new("Reason", "string", (o, _) => Str(o, "reason")), new("Message", "string", (o, _) => Str(o, "message")), Age],
        },
        new()
        {
            Group = "apps", Version = "v1", Kind = "Deployment", Plural = "deployments", ShortNames = ["deploy"], Categories = ["all"],
            StatusSubresource = true, TracksGeneration = true,
            Scale = new ScaleSubresource(".spec.replicas", ".status.replicas"),
            Columns =
            [
                Name,
                new("Ready", "string", (o, _) => $"{Int(o, "status", "readyReplicas")}/{Int(o, "spec", "replicas")}"),
                new("Up-to-date", "integer", (o, _) => Int(o, "status", "updatedReplicas")),
                new("Available", "integer", (o, _) => Int(o, "status", "availableReplicas")),
                Age,
                new("Containers", "string", (o, _) => Containers(o, "name"), Priority: 1),
                new("Images", "string", (o, _) => Containers(o, "image"), Priority: 1),
            ],
        },
        new()
        {
            Group = "apps", Version = "v1", Kind = "StatefulSet", Plural = "statefulsets", ShortNames = ["sts"], Categories = ["all"],
            StatusSubresource = true, TracksGeneration = true,
            Scale = new ScaleSubresource(".spec.replicas", ".status.replicas"),
            Columns =
            [
                Name,
                new("Ready", "string", (o, _) => $"{Int(o, "status", "readyReplicas")}/{Int(o, "spec", "replicas")}"),
                Age,
                new("Containers", "string", (o, _) => Containers(o, "name"), Priority: 1),
                new("Images", "string", (o, _) => Containers(o, "image"), Priority: 1),
            ],
        },
        new()
        {
            Group = "coordination.k8s.io", Version = "v1", Kind = "Lease", Plural = "leases",
            MicroTimeFields = ["spec.acquireTime", "spec.renewTime"],
            Columns = [Name, new("Holder", "string", (o, _) => Str(o, "spec", "holderIdentity") ?? ""), Age],
        },
        new()
        {
            Group = "events.k8s.io", Version = "v1", Kind = "Event", Plural = "events", ShortNames = ["ev"],
            MicroTimeFields = ["eventTime", "series.lastObservedTime"],
            Columns = [Name, new("Reason", "string", (o, _) => Str(o, "reason")), new("Note", "string", (o, _) => Str(o, "note")), Age],
        },
        new()
        {
            Group = "apiextensions.k8s.io", Version = "v1", Kind = "CustomResourceDefinition", Plural = "customresourcedefinitions",
            ShortNames = ["crd", "crds"], Namespaced = false, StatusSubresource = true, TracksGeneration = true,
            Columns = [Name, new("Created At", "date", (o, _) => Str(o, "metadata", "creationTimestamp"))],
        },
    ];

    public static JsonNode? AgeOf(JsonObject o, DateTimeOffset now) =>
        DateTimeOffset.TryParse(Str(o, "metadata", "creationTimestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
            ? HumanDuration(now - created)
            : "<unknown>";

    /// <summary>apimachinery util/duration.HumanDuration, which kubectl's AGE column shows.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)Math.Floor(d.TotalSeconds);
        if (seconds < -1)
        {
            return "<invalid>";
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }
        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }
        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }
        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }
        if (hours < 48)
        {
            return $"{hours}h";
        }
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }
        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }
        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }
        return $"{hours / 24 / 365}y";
    }

    internal static string? Str(JsonObject o, params string[] path)
    {
        JsonNode? node = o;
        foreach (var p in path)
        {
            node = (node as JsonObject)?[p];
        }
        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    private static long Int(JsonObject o, string a, string b) =>
        o[a]?[b] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;

    private static int Count(JsonNode? node) => node is JsonObject obj ? obj.Count : 0;

    private static string PodReady(JsonObject o)
    {
        var containers = (o["spec"]?["containers"] as JsonArray)?.Count ?? 0;
        var ready = (o["status"]?["containerStatuses"] as JsonArray)?.Count(c => c?["ready"] is JsonValue v && v.TryGetValue<bool>(out var r) && r) ?? 0;
        return $"{ready}/{containers}";
    }

    private static string ServicePorts(JsonObject o)
    {
        if (o["spec"]?["ports"] is not JsonArray ports || ports.Count == 0)
        {
            return "<none>";
        }
        return string.Join(',', ports.OfType<JsonObject>().Select(p =>
            $"{p["port"]}{(p["nodePort"] is null ? "" : ":" + p["nodePort"])}/{Str(p, "protocol") ?? "TCP"}"));
    }

    private static string Containers(JsonObject o, string field) =>
        o["spec"]?["template"]?["spec"]?["containers"] is JsonArray containers
            ? string.Join(',', containers.OfType<JsonObject>().Select(c => Str(c, field)))
            : "";

    private static string MapString(JsonObject? map) =>
        map is null || map.Count == 0 ? "<none>" : string.Join(',', map.Select(kv => $"{kv.Key}={kv.Value}"));
}
