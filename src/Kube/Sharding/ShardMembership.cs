using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Json;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Sharding;

/// <summary>How a replica takes part in a shard group (client-go's lease timings by default).</summary>
public sealed record ShardMembershipConfig
{
    /// <summary>Names the group; its membership Leases carry the label <c>rwautoscaler.dev/shard-group=&lt;group&gt;</c>.</summary>
    public required string Group { get; init; }

    public required string Namespace { get; init; }

    public required string Identity { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Shard membership on Kubernetes Leases, as sharded controllers do it (kubernetes-controller-sharding): each replica
/// renews a Lease of its own, lists the group's Leases, and assigns objects to the live members by rendezvous hashing
/// (<see cref="ShardRing"/>). No protocol of our own: handover is lease expiry.
/// <list type="bullet">
/// <item>A member is live while its Lease's renewTime keeps changing: one whose renewTime has not changed for a lease
/// duration, as this replica observed it, is dead, and its objects go to the others.</item>
/// <item>This replica acts only while its last renewal proves its membership (renewal plus the renew deadline, shorter
/// than the lease duration, on the injected clock): before the others can count it dead, it has stopped.</item>
/// <item>It starts acting only once its Lease is a lease duration old, and a member acts only while its last list of
/// the members is younger than the renew deadline: so every acting member has seen a newcomer before the newcomer
/// acts, and has stopped acting on the objects that move to it. A join leaves a short gap, never two owners.</item>
/// </list>
/// </summary>
public sealed partial class ShardMembership
{
    public const string GroupLabel = "rwautoscaler.dev/shard-group";

    /// <summary>The Lease annotation where a member says how the others reach it (its HTTP endpoints, for forwarded alerts).</summary>
    public const string AddressAnnotation = "rwautoscaler.dev/address";

    private readonly ResourceClient<JsonObject> leases;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Dictionary<string, (string Renewed, DateTimeOffset Seen)> observed = new(StringComparer.Ordinal);
    private volatile Dictionary<string, Uri> addresses = new(StringComparer.Ordinal);
    private volatile ShardRing ring = new([]);
    private DateTimeOffset? joined;
    private DateTimeOffset renewed = DateTimeOffset.MinValue;
    private DateTimeOffset listed = DateTimeOffset.MinValue;
    private int refused;

    public ShardMembership(KubernetesClient client, ShardMembershipConfig config, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(config);
        if (config.LeaseDuration <= config.RenewDeadline || config.RenewDeadline <= config.RetryPeriod)
        {
            throw new ArgumentException("shard membership needs LeaseDuration > RenewDeadline > RetryPeriod");
        }

        leases = client.Resource(ResourceType.Leases);
        Config = config;
        time = timeProvider ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
        LeaseName = $"{config.Group}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(config.Identity)))[..16]}";
    }

    public ShardMembershipConfig Config { get; }

    /// <summary>This replica's membership Lease.</summary>
    public string LeaseName { get; }

    /// <summary>The live members as last listed (this replica included only while it may act).</summary>
    public ShardRing Ring => ring;

    /// <summary>Raised (on the membership loop) when the members or this replica's right to act changed.</summary>
    public event Action? Changed;

    /// <summary>True while this replica may act: its membership is proven and old enough for every member to know it.</summary>
    public bool Acting
    {
        get
        {
            var now = time.GetUtcNow();
            // Also a recent list: a replica that cannot see the members may miss one that joined and took its objects.
            return joined is { } j && now >= j + Config.LeaseDuration && now < renewed + Config.RenewDeadline && now < listed + Config.RenewDeadline;
        }
    }

    /// <summary>Whether this replica acts on the object <paramref name="key"/> (namespace/name) now.</summary>
    public bool Owns(string key)
    {
        var mine = ring.OwnerOf(key) == Config.Identity;
        if (Acting)
        {
            return mine;
        }

        if (mine)
        {
            // Refused by a proof that ran out between two renewals (a late loop), the members unchanged: whoever was
            // refused dropped the object, and must hear when the proof is back (see Update).
            Volatile.Write(ref refused, 1);
        }

        return false;
    }

    /// <summary>The live member that owns <paramref name="key"/>, as last listed; null while no member is live.</summary>
    public string? OwnerOf(string key) => ring.OwnerOf(key);

    /// <summary>
    /// Where this replica can be reached, written to its Lease (<see cref="AddressAnnotation"/>); set before
    /// <see cref="RunAsync"/>, as the listening port may be known only once the server started.
    /// </summary>
    public Uri? Address { get; set; }

    /// <summary>The address a member wrote on its Lease, as last listed; null when it wrote none.</summary>
    public Uri? AddressOf(string identity) => addresses.GetValueOrDefault(identity);

    /// <summary>
    /// Renews and lists every retry period until cancelled (then deletes its Lease, so that the others take over at
    /// once) or until its membership can no longer be proven: then returns true, and the caller should exit.
    /// </summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                if (await RenewAsync(now, cancellationToken))
                {
                    renewed = now;
                    joined ??= now;
                }
                else if (joined is not null && time.GetUtcNow() >= renewed + Config.RenewDeadline)
                {
                    LogLost(logger, Config.Identity, LeaseName);
                    Update(time.GetUtcNow());
                    return true;
                }

                await ListAsync(cancellationToken);
                Update(time.GetUtcNow());
                await Task.Delay(Config.RetryPeriod, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            renewed = DateTimeOffset.MinValue;
            Update(time.GetUtcNow());
            await LeaveAsync();
            return false;
        }
    }

    private async Task<bool> RenewAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A renewal counts only if it answers before the proof would run out anyway.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Config.RenewDeadline);
        var stamp = MicroTime.Format(now);
        try
        {
            if (renewed == DateTimeOffset.MinValue && await leases.GetOrNullAsync(Config.Namespace, LeaseName, bounded.Token) is null)
            {
                await leases.CreateAsync(new JsonObject
                {
                    ["apiVersion"] = "coordination.k8s.io/v1",
                    ["kind"] = "Lease",
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = LeaseName,
                        ["labels"] = new JsonObject { [GroupLabel] = Config.Group },
                        ["annotations"] = Address is null ? new JsonObject() : Annotations(),
                    },
                    ["spec"] = new JsonObject
                    {
                        ["holderIdentity"] = Config.Identity,
                        ["leaseDurationSeconds"] = (int)Math.Ceiling(Config.LeaseDuration.TotalSeconds),
                        ["acquireTime"] = stamp,
                        ["renewTime"] = stamp,
                    },
                }, Config.Namespace, bounded.Token);
                return true;
            }

            await leases.PatchAsync(Config.Namespace, LeaseName, KubePatch.Merge(new JsonObject
            {
                ["metadata"] = new JsonObject { ["annotations"] = Annotations() },
                ["spec"] = new JsonObject { ["holderIdentity"] = Config.Identity, ["renewTime"] = stamp },
            }), bounded.Token);
            return true;
        }
        catch (Exception e) when (e is KubeApiException or HttpOperationException or HttpRequestException or TimeoutException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogFailed(logger, LeaseName, e.Message);
            return false;
        }
    }

    // A merge patch: an address that is gone is removed from the Lease, not left behind.
    private JsonObject Annotations() => new() { [AddressAnnotation] = Address?.ToString() };

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        try
        {
            var list = await leases.ListAsync(Config.Namespace, new ListOptions { LabelSelector = $"{GroupLabel}={Config.Group}" }, cancellationToken);
            var now = time.GetUtcNow();
            listed = started;
            var present = new HashSet<string>(StringComparer.Ordinal);
            var reachable = new Dictionary<string, Uri>(StringComparer.Ordinal);
            foreach (var lease in list.Items)
            {
                if (lease["spec"]?["holderIdentity"] is not JsonValue h || !h.TryGetValue<string>(out var holder) || holder.Length == 0)
                {
                    continue;
                }

                present.Add(holder);
                if (lease["metadata"]?["annotations"]?[AddressAnnotation] is JsonValue a && a.TryGetValue<string>(out var text)
                    && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    reachable[holder] = uri;
                }

                var renewTime = lease["spec"]?["renewTime"]?.ToString() ?? "";
                if (!observed.TryGetValue(holder, out var seen) || seen.Renewed != renewTime)
                {
                    observed[holder] = (renewTime, now);
                }
            }

            foreach (var gone in observed.Keys.Where(k => !present.Contains(k)).ToList())
            {
                observed.Remove(gone);
            }

            addresses = reachable;
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException or IOException)
        {
            // Keep the last view; a member unseen for a lease duration drops out of it below.
            LogFailed(logger, "the membership list", e.Message);
        }
    }

    private void Update(DateTimeOffset now)
    {
        var live = observed.Where(o => o.Key != Config.Identity && now - o.Value.Seen < Config.LeaseDuration).Select(o => o.Key).ToList();
        if (Acting)
        {
            live.Add(Config.Identity);
        }

        var next = new ShardRing(live);
        if (!next.Members.SequenceEqual(ring.Members, StringComparer.Ordinal))
        {
            ring = next;
            Volatile.Write(ref refused, 0);
            LogMembers(logger, Config.Group, string.Join(", ", next.Members));
            Changed?.Invoke();
        }
        else if (Acting && Interlocked.Exchange(ref refused, 0) == 1)
        {
            // The right to act is back after a lapse that no list saw: the same members, but a change all the same.
            LogRegained(logger, Config.Identity);
            Changed?.Invoke();
        }
    }

    private async Task LeaveAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(Config.RenewDeadline);
            await leases.DeleteAsync(Config.Namespace, LeaseName, cancellationToken: timeout.Token);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException or IOException or OperationCanceledException)
        {
            LogFailed(logger, LeaseName, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "shard group {Group}: members {Members}")]
    private static partial void LogMembers(ILogger logger, string group, string members);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} acts again: its membership went unproven between two renewals (a late renewal loop)")]
    private static partial void LogRegained(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} lost its membership lease {Lease}")]
    private static partial void LogLost(ILogger logger, string identity, string lease);

    [LoggerMessage(Level = LogLevel.Debug, Message = "shard membership, {What}: {Error}")]
    private static partial void LogFailed(ILogger logger, string what, string error);
}
