using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>The few defaults of built-in kinds that clients read back (replicas, service type and cluster IP, Secret data).</summary>
internal static class Defaults
{
    private static int nextClusterIp = 10;

    public static void Apply(ResourceDefinition def, JsonObject obj, JsonObject? old)
    {
        if (def.IsCustom)
        {
            return;
        }
        switch (def.Group, def.Plural)
        {
            case ("apps", "deployments" or "statefulsets"):
                if (obj["spec"] is JsonObject spec && spec["replicas"] is null)
                {
                    spec["replicas"] = 1;
                }
                break;
            case ("", "secrets"):
                // corev1 Secret: stringData is write-only; the server merges it into data (base64) and never returns it.
                if (obj["stringData"] is JsonObject plain)
                {
                    var data = obj["data"] as JsonObject ?? new JsonObject();
                    foreach (var (key, value) in plain)
                    {
                        data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes((string?)value ?? ""));
                    }

                    obj["data"] = data;
                    obj.Remove("stringData");
                }
                break;
            case ("", "services"):
                if (obj["spec"] is not JsonObject svc)
                {
                    obj["spec"] = svc = new JsonObject();
                }
                svc["type"] ??= "ClusterIP";
                if (svc["clusterIP"] is null)
                {
                    // The cluster IP is allocated once and kept across updates that omit it.
                    svc["clusterIP"] = old?["spec"]?["clusterIP"]?.DeepClone() ?? AllocateClusterIp();
                }
                svc["clusterIPs"] ??= new JsonArray(svc["clusterIP"]!.DeepClone());
                svc["sessionAffinity"] ??= "None";
                if (svc["ports"] is JsonArray ports)
                {
                    foreach (var port in ports.OfType<JsonObject>())
                    {
                        port["protocol"] ??= "TCP";
                        port["targetPort"] ??= port["port"]?.DeepClone();
                    }
                }
                break;
            case ("", "namespaces"):
                obj["status"] ??= new JsonObject { ["phase"] = "Active" };
                break;
            case ("", "pods"):
                obj["status"] ??= new JsonObject { ["phase"] = "Pending" };
                break;
        }
    }

    private static string AllocateClusterIp()
    {
        var n = Interlocked.Increment(ref nextClusterIp);
        return $"10.96.{n / 250 % 250}.{(n % 250) + 1}";
    }
}
