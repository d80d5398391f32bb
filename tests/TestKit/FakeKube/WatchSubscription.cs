using System.Threading.Channels;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>One message for a watch stream: an event, a bookmark, or the end of a watcher that fell behind.</summary>
internal sealed record WatchMessage(string Type, StoredObject? Object, long ResourceVersion);

/// <summary>
/// A registered watcher: which objects it wants, and its queue. Events are queued under the store's
/// lock, so the initial snapshot and the live events cannot interleave wrongly.
/// </summary>
internal sealed class WatchSubscription
{
    private readonly Channel<WatchMessage> channel = Channel.CreateUnbounded<WatchMessage>(new UnboundedChannelOptions { SingleReader = true });
    private int pending;

    public required ResourceDefinition Def { get; init; }

    public string? Namespace { get; init; }

    public required LabelSelectorExpression Labels { get; init; }

    public required FieldSelectorExpression Fields { get; init; }

    public bool Bookmarks { get; init; }

    public required int MaxPending { get; init; }

    public ChannelReader<WatchMessage> Reader => channel.Reader;

    public bool Wants(StoredObject obj) =>
        (Namespace is null || obj.Namespace == Namespace) && Labels.Matches(obj.Labels) && Fields.Matches(obj);

    /// <summary>Queues a message; a watcher that lets too many pile up gets a 410 and is closed, as a real server drops slow watchers.</summary>
    public void Enqueue(WatchMessage message, bool initial = false)
    {
        if (!initial && Interlocked.Increment(ref pending) > MaxPending)
        {
            channel.Writer.TryWrite(new WatchMessage("ERROR", null, message.ResourceVersion));
            channel.Writer.TryComplete();
            return;
        }
        channel.Writer.TryWrite(message);
    }

    public void MessageSent() => Interlocked.Decrement(ref pending);

    public void Close() => channel.Writer.TryComplete();
}
