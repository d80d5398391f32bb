using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// What kube-controller-manager's garbage collector and namespace controller do, run synchronously
/// after each write while switched on: delete dependents whose owners (by UID) are all gone, drop
/// dangling owner references, honour the orphan and foregroundDeletion finalizers, and empty a
/// Terminating namespace before removing it. Off, the fake behaves like envtest: no GC at all.
/// </summary>
internal sealed class GarbageCollector(ResourceOperations ops)
{
    private bool running;
    private bool again;

    public void Collect()
    {
        lock (ops.Store.Gate)
        {
            if (running)
            {
                again = true;
                return;
            }
            running = true;
            try
            {
                do
                {
                    again = false;
                    Pass();
                }
                while (again);
            }
            finally
            {
                running = false;
            }
        }
    }

    private void Pass()
    {
        var live = ops.Store.FindAll(_ => true).Select(o => o.Uid).ToHashSet(StringComparer.Ordinal);

        foreach (var dependent in ops.Store.FindAll(o => o.OwnerUids.Count > 0))
        {
            var alive = dependent.OwnerUids.Count(live.Contains);
            if (alive == 0)
            {
                if (!dependent.Deleting)
                {
                    ops.DeleteStored(dependent);
                    again = true;
                }
            }
            else if (alive < dependent.OwnerUids.Count)
            {
                RemoveOwnerReferences(dependent, uid => !live.Contains(uid));
            }
        }

        foreach (var owner in ops.Store.FindAll(o => o.Deleting && o.Finalizers.Contains("orphan")))
        {
            foreach (var dependent in ops.Store.FindAll(o => o.OwnerUids.Contains(owner.Uid)))
            {
                RemoveOwnerReferences(dependent, uid => uid == owner.Uid);
            }
            RemoveFinalizer(owner, "orphan");
        }

        foreach (var owner in ops.Store.FindAll(o => o.Deleting && o.Finalizers.Contains("foregroundDeletion")))
        {
            var dependents = ops.Store.FindAll(o => o.OwnerUids.Contains(owner.Uid));
            foreach (var dependent in dependents.Where(d => !d.Deleting))
            {
                ops.DeleteStored(dependent, "foregroundDeletion");
                again = true;
            }
            if (dependents.Count == 0)
            {
                RemoveFinalizer(owner, "foregroundDeletion");
            }
        }

        foreach (var ns in ops.Store.FindAll(o => o.Def is { Group: "", Plural: "namespaces" } && o.Deleting))
        {
            var contents = ops.Store.FindAll(o => o.Def.Namespaced && o.Namespace == ns.Name);
            foreach (var obj in contents.Where(o => !o.Deleting))
            {
                ops.DeleteStored(obj);
                again = true;
            }
            if (contents.Count == 0 && ops.Store.Get(ns.Def, "", ns.Name) is { } current)
            {
                ops.Store.Remove(current);
                again = true;
            }
        }
    }

    private void RemoveOwnerReferences(StoredObject dependent, Func<string, bool> remove)
    {
        var obj = dependent.ToJsonObject();
        var refs = (JsonArray)obj["metadata"]!["ownerReferences"]!;
        foreach (var r in refs.Where(r => remove((string?)r?["uid"] ?? "")).ToList())
        {
            refs.Remove(r);
        }
        if (refs.Count == 0)
        {
            ((JsonObject)obj["metadata"]!).Remove("ownerReferences");
        }
        ops.WriteObject(dependent, obj);
        again = true;
    }

    private void RemoveFinalizer(StoredObject owner, string finalizer)
    {
        var current = ops.Store.Get(owner.Def, owner.Namespace, owner.Name);
        if (current is null)
        {
            return;
        }
        var obj = current.ToJsonObject();
        var list = (JsonArray)obj["metadata"]!["finalizers"]!;
        foreach (var f in list.Where(f => (string?)f == finalizer).ToList())
        {
            list.Remove(f);
        }
        ops.WriteObject(current, obj);
        again = true;
    }
}
