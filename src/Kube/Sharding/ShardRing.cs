using System.Text;

namespace RwAutoscaler.Kube.Sharding;

/// <summary>
/// Rendezvous (highest random weight) hashing of object keys onto the live members: each key goes to the member with
/// the highest hash of (member, key). A member joining takes about 1/members of the keys from the others; a member
/// leaving gives its keys out evenly; nothing else moves. The hash is FNV-1a 64 with a splitmix64 finish: the same in
/// every process and every release, which an assignment shared by several replicas needs.
/// </summary>
public sealed class ShardRing
{
    private readonly (string Member, ulong Seed)[] members;

    public ShardRing(IEnumerable<string> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        this.members = [.. members.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(m => (m, Hash(m, 0xcbf29ce484222325UL)))];
    }

    public IReadOnlyList<string> Members => [.. members.Select(m => m.Member)];

    /// <summary>The member that owns <paramref name="key"/> (namespace/name), or null when there are no members.</summary>
    public string? OwnerOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string? best = null;
        var bestWeight = 0UL;
        foreach (var (member, seed) in members)
        {
            var weight = Hash(key, seed);
            if (best is null || weight > bestWeight)
            {
                (best, bestWeight) = (member, weight);
            }
        }

        return best;
    }

    private static ulong Hash(string text, ulong seed)
    {
        var hash = seed;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 0x100000001b3UL;
        }

        // splitmix64: FNV alone mixes the last bytes poorly, and keys often differ only there.
        hash += 0x9e3779b97f4a7c15UL;
        hash = (hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9UL;
        hash = (hash ^ (hash >> 27)) * 0x94d049bb133111ebUL;
        return hash ^ (hash >> 31);
    }
}
