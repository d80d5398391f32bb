using Microsoft.AspNetCore.Http;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>The active fault rules, checked in the order they were added; the first match applies.</summary>
public sealed class FaultInjector
{
    private readonly List<Entry> rules = [];

    /// <summary>Adds a rule; dispose the handle to remove it. <see cref="FaultHandle.Hits"/> counts the requests it hit.</summary>
    public FaultHandle Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var entry = new Entry(rule, this);
        lock (rules)
        {
            rules.Add(entry);
        }
        return entry.Handle;
    }

    public void Clear()
    {
        lock (rules)
        {
            rules.Clear();
        }
    }

    internal FaultAction? Match(string verb, HttpRequest request)
    {
        lock (rules)
        {
            foreach (var entry in rules)
            {
                var rule = entry.Rule;
                if ((rule.Verb is null || rule.Verb == verb)
                    && (rule.PathContains is null || request.Path.Value?.Contains(rule.PathContains, StringComparison.Ordinal) == true)
                    && (rule.When is null || rule.When(request))
                    && (rule.Times is null || entry.Handle.Hits < rule.Times))
                {
                    entry.Handle.Hit();
                    return rule.Action;
                }
            }
            return null;
        }
    }

    private void Remove(Entry entry)
    {
        lock (rules)
        {
            rules.Remove(entry);
        }
    }

    private sealed class Entry
    {
        public Entry(FaultRule rule, FaultInjector owner)
        {
            Rule = rule;
            Handle = new FaultHandle(() => owner.Remove(this));
        }

        public FaultRule Rule { get; }

        public FaultHandle Handle { get; }
    }
}

public sealed class FaultHandle : IDisposable
{
    private readonly Action remove;
    private int hits;

    internal FaultHandle(Action remove) => this.remove = remove;

    public int Hits => Volatile.Read(ref hits);

    internal void Hit() => Interlocked.Increment(ref hits);

    public void Dispose() => remove();
}
