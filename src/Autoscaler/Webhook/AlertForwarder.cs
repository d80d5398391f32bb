using System.Net.Http.Headers;
using System.Text;
using RwAutoscaler.Autoscaler.Metrics;
using RwAutoscaler.Kube.Sharding;

namespace RwAutoscaler.Autoscaler.Webhook;

/// <summary>Where an alerted autoscaler is evaluated under shards: here, at another member, or nowhere yet.</summary>
internal readonly record struct AlertPlacement(bool Here, string? Owner, Uri? Address)
{
    public static readonly AlertPlacement Local = new(true, null, null);
}

/// <summary>
/// With shards, Alertmanager reaches one replica through the Service, whichever owns the alerted cluster: the replica
/// that gets an alert for another member's autoscaler passes it on to that member's webhook (the address on its
/// membership Lease), with the same bearer token. A forwarded request is marked, and never forwarded again: if the
/// ownership moved in between, the new owner's next poll evaluates the cluster.
/// </summary>
internal sealed class AlertForwarder(ShardMembership membership, byte[] token, HttpClient http)
{
    /// <summary>The header that marks a forwarded request; its value is the forwarding member.</summary>
    public const string Header = "X-Rwautoscaler-Forwarded-By";

    public string Identity => membership.Config.Identity;

    public AlertPlacement Place(ClusterRef autoscaler)
    {
        var key = $"{autoscaler.Namespace}/{autoscaler.Name}";
        if (membership.Owns(key))
        {
            return AlertPlacement.Local;
        }

        var owner = membership.OwnerOf(key);
        return new AlertPlacement(false, owner, owner is null || owner == Identity ? null : membership.AddressOf(owner));
    }

    /// <summary>Posts these alerts (their JSON as received) to the owner's webhook; null when it took them, else why not.</summary>
    public async Task<string?> ForwardAsync(Uri owner, IReadOnlyList<string> alerts, CancellationToken cancellationToken)
    {
        var body = $$"""{"version":"4","status":"firing","alerts":[{{string.Join(',', alerts)}}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(owner, AlertmanagerWebhook.Path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Encoding.UTF8.GetString(token));
        request.Headers.Add(Header, Identity);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"{owner} answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"{owner} did not answer: {e.Message}";
        }
    }
}
