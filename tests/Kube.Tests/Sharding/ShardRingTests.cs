using RwAutoscaler.Kube.Sharding;

namespace RwAutoscaler.Kube.Tests.Sharding;

public sealed class ShardRingTests
{
    private static readonly string[] Keys = [.. Enumerable.Range(0, 3000).Select(i => $"tenant-{i % 37}/rw-{i}")];

    [Fact]
    public void Three_members_own_about_a_third_each()
    {
        var ring = new ShardRing(["a", "b", "c"]);
        var counts = Keys.GroupBy(k => ring.OwnerOf(k)).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 850, 1150)); // 1,000 each, give or take 15 %
    }

    [Fact]
    public void A_member_joining_moves_about_one_in_members_and_only_to_itself()
    {
        var before = new ShardRing(["a", "b", "c"]);
        var after = new ShardRing(["a", "b", "c", "d"]);
        var moved = Keys.Where(k => before.OwnerOf(k) != after.OwnerOf(k)).ToList();
        Assert.All(moved, k => Assert.Equal("d", after.OwnerOf(k)));
        Assert.InRange(moved.Count, 600, 900); // 3,000 / 4 = 750
    }

    [Fact]
    public void A_member_leaving_gives_out_only_its_own_keys()
    {
        var before = new ShardRing(["a", "b", "c"]);
        var after = new ShardRing(["a", "c"]);
        Assert.All(Keys.Where(k => before.OwnerOf(k) != after.OwnerOf(k)), k => Assert.Equal("b", before.OwnerOf(k)));
    }

    [Fact]
    public void The_assignment_does_not_depend_on_the_order_members_are_listed_in_and_is_stable()
    {
        var one = new ShardRing(["c", "a", "b"]);
        var two = new ShardRing(["a", "b", "c", "a"]);
        Assert.All(Keys, k => Assert.Equal(one.OwnerOf(k), two.OwnerOf(k)));
        Assert.Null(new ShardRing([]).OwnerOf("ns/x"));
        // Pinned: an assignment shared by processes of different builds must not change with a release.
        Assert.Equal("a", new ShardRing(["a", "b", "c"]).OwnerOf("streaming/rw"));
    }
}
