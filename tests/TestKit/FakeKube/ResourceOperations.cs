using System.Globalization;
using System.Text.Json.Nodes;
using RwAutoscaler.Kube.Json;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// The write semantics of the API server's generic registry store and the kinds' strategies:
/// create, update (and /status), delete with finalizers, and the hooks where the switchable
/// controllers run. Each call is atomic under the store's lock.
/// </summary>
internal sealed class ResourceOperations(ObjectStore store, ResourceRegistry registry, TimeProvider time)
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public GarbageCollector? GarbageCollector { get; set; }

    public WorkloadController? Workloads { get; set; }

    /// <summary>Fields of built-in kinds this server knows beyond the official client's models ("Kind.dotted.path").</summary>
    public HashSet<string> ServerOnlyFields { get; } = new(StringComparer.Ordinal);

    public ObjectStore Store => store;

    public ResourceRegistry Registry => registry;

    public string Now => KubeTimeConverter.Format(time.GetUtcNow());

    public StoredObject Get(ResourceDefinition def, string ns, string name) =>
        store.Get(def, ns, name) ?? throw ApiError.NotFound(def, name);

    public StoredObject Create(ResourceDefinition def, string ns, JsonObject body)
    {
        lock (store.Gate)
        {
            CheckTypeMeta(def, body);
            FieldPruning.Prune(def, body, ServerOnlyFields);
            var meta = body["metadata"] as JsonObject ?? new JsonObject();
            body["metadata"] = meta;
            var bodyNs = (string?)meta["namespace"];
            if (def.Namespaced)
            {
                if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
                {
                    throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
                }
                meta["namespace"] = ns;
                var nsObj = store.Get(registry.Find("", "v1", "namespaces")!, "", ns) ?? throw ApiError.NamespaceNotFound(ns);
                if (nsObj.Deleting)
                {
                    throw new ApiError(403, "Forbidden", $"{def.GroupResource} \"{(string?)meta["name"] ?? (string?)meta["generateName"]}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
                }
            }
            else
            {
                meta.Remove("namespace");
            }

            var name = (string?)meta["name"];
            if (string.IsNullOrEmpty(name))
            {
                var prefix = (string?)meta["generateName"];
                if (string.IsNullOrEmpty(prefix))
                {
                    throw ApiError.Invalid(def, "", ("metadata.name", "FieldValueRequired", "Required value: name or generateName is required"));
                }
                name = GenerateName(prefix);
                meta["name"] = name;
            }
            if (Validation.CheckName(name) is { } nameError)
            {
                throw ApiError.Invalid(def, name, nameError);
            }
            if (store.Get(def, def.Namespaced ? ns : "", name) is { } existing)
            {
                throw ApiError.AlreadyExists(def, name, existing.Deleting);
            }

            Validation.CheckMicroTimes(def, body);
            Validation.CheckOwnerReferences(def, name, meta);
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now;
            meta.Remove("resourceVersion");
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            if (def.TracksGeneration)
            {
                meta["generation"] = 1;
            }
            else
            {
                meta.Remove("generation");
            }
            if (def.StatusSubresource)
            {
                // CRs drop status on create (PrepareForCreate); the apps strategies reset it to empty.
                if (def.IsCustom)
                {
                    body.Remove("status");
                }
                else if (def.Group == "apps")
                {
                    body["status"] = new JsonObject();
                }
            }
            Defaults.Apply(def, body, null);
            if (def is { IsCustom: false, Group: "apiextensions.k8s.io" })
            {
                CustomResourceDefinitions.Validate(body);
            }
            var stored = store.Put(def, Reorder(body));
            if (def is { IsCustom: false, Group: "apiextensions.k8s.io" })
            {
                stored = CustomResourceDefinitions.Established(this, stored);
            }
            AfterWrite(stored);
            return stored;
        }
    }

    /// <summary>
    /// PUT (subresource null) or PUT /status. <paramref name="unconditional"/> is for patches, whose
    /// preconditions were checked already.
    /// </summary>
    public StoredObject Update(ResourceDefinition def, string ns, string name, JsonObject body, string? subresource, bool unconditional = false)
    {
        lock (store.Gate)
        {
            CheckTypeMeta(def, body);
            FieldPruning.Prune(def, body, ServerOnlyFields);
            var meta = body["metadata"] as JsonObject ?? new JsonObject();
            body["metadata"] = meta;
            var bodyName = (string?)meta["name"];
            if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
            {
                throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }
            var bodyNs = (string?)meta["namespace"];
            if (def.Namespaced && !string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            {
                throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            var existing = Get(def, def.Namespaced ? ns : "", name);
            var rv = (string?)meta["resourceVersion"];
            if (!unconditional)
            {
                if (string.IsNullOrEmpty(rv))
                {
                    if (def.IsCustom)
                    {
                        // apiextensions strategy: AllowUnconditionalUpdate() == false.
                        throw ApiError.Invalid(def, name, ("metadata.resourceVersion", "FieldValueInvalid", "Invalid value: 0x0: must be specified for an update"));
                    }
                }
                else if (rv != existing.ResourceVersion.ToString(CultureInfo.InvariantCulture))
                {
                    throw ApiError.Conflict(def, name, ApiError.OptimisticLockErrorMsg);
                }
            }
            var uid = (string?)meta["uid"];
            if (!string.IsNullOrEmpty(uid) && uid != existing.Uid)
            {
                throw ApiError.Conflict(def, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {existing.Uid}");
            }
            return Commit(existing, body, subresource);
        }
    }

    /// <summary>Applies a candidate state to an existing object with the strategy's rules, and writes it unless it is a no-op.</summary>
    private StoredObject Commit(StoredObject existing, JsonObject candidate, string? subresource)
    {
        var def = existing.Def;
        var old = existing.ToJsonObject();
        JsonObject next;
        if (subresource == "status")
        {
            // The status strategy takes only status; metadata changes through /status are ignored.
            next = (JsonObject)old.DeepClone();
            if (candidate["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
            else
            {
                next.Remove("status");
            }
        }
        else
        {
            next = (JsonObject)candidate.DeepClone();
            var meta = (JsonObject)next["metadata"]!;
            var oldMeta = (JsonObject)old["metadata"]!;
            foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion" })
            {
                if (oldMeta[field] is { } value)
                {
                    meta[field] = value.DeepClone();
                }
                else
                {
                    meta.Remove(field);
                }
            }
            if (def.StatusSubresource)
            {
                if (old["status"] is { } status)
                {
                    next["status"] = status.DeepClone();
                }
                else
                {
                    next.Remove("status");
                }
            }
            if (existing.Deleting)
            {
                var before = existing.Finalizers.ToHashSet(StringComparer.Ordinal);
                var added = (meta["finalizers"] as JsonArray)?.Select(f => (string?)f ?? "").Where(f => !before.Contains(f)).ToList() ?? [];
                if (added.Count > 0)
                {
                    throw ApiError.Invalid(def, existing.Name, ("metadata.finalizers", "FieldValueForbidden", "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"" + string.Join("\", \"", added) + "\"}"));
                }
            }
            Validation.CheckOwnerReferences(def, existing.Name, meta);
            Defaults.Apply(def, next, old);
        }
        next["kind"] = def.Kind;
        next["apiVersion"] = def.ApiVersion;
        Validation.CheckMicroTimes(def, next);

        if (def.TracksGeneration && !SameContent(def, old, next))
        {
            next["metadata"]!["generation"] = ((long?)old["metadata"]!["generation"] ?? 1) + 1;
        }
        next = Reorder(next);
        if (JsonNode.DeepEquals(old, next))
        {
            // No-op: not written, no new resourceVersion, no watch event (TestNoOpUpdates).
            return existing;
        }
        var stored = store.Put(def, next);
        if (stored.Deleting && stored.Finalizers.Count == 0)
        {
            // The last finalizer is gone: the update completes the deletion (deleteForEmptyFinalizers).
            var final = store.Remove(stored);
            AfterRemove(final);
            return final;
        }
        AfterWrite(stored);
        return stored;
    }

    /// <summary>The result of a DELETE: the object (pending finalizers, or kinds that return it) or null for a Success Status.</summary>
    public (StoredObject Object, bool Removed) Delete(ResourceDefinition def, string ns, string name, JsonObject? options, string? propagationQuery)
    {
        lock (store.Gate)
        {
            var existing = Get(def, def.Namespaced ? ns : "", name);
            if (options?["preconditions"] is JsonObject pre)
            {
                if ((string?)pre["uid"] is { Length: > 0 } uid && uid != existing.Uid)
                {
                    throw ApiError.Conflict(def, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {existing.Uid}");
                }
                if ((string?)pre["resourceVersion"] is { Length: > 0 } rv && rv != existing.ResourceVersion.ToString(CultureInfo.InvariantCulture))
                {
                    throw ApiError.Conflict(def, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {existing.ResourceVersion}");
                }
            }
            var policy = (string?)options?["propagationPolicy"] ?? propagationQuery;
            if (policy is not (null or "Background" or "Foreground" or "Orphan"))
            {
                throw ApiError.Invalid(def, name, ("propagationPolicy", "FieldValueNotSupported", $"Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\""));
            }
            var extraFinalizer = policy switch
            {
                "Foreground" => "foregroundDeletion",
                "Orphan" => "orphan",
                _ => null,
            };
            return DeleteStored(existing, extraFinalizer);
        }
    }

    /// <summary>Deletes now, or marks for deletion while finalizers remain.</summary>
    public (StoredObject Object, bool Removed) DeleteStored(StoredObject existing, string? extraFinalizer = null)
    {
        lock (store.Gate)
        {
            var finalizers = existing.Finalizers.ToList();
            if (extraFinalizer is not null && !existing.Deleting && !finalizers.Contains(extraFinalizer))
            {
                finalizers.Add(extraFinalizer);
            }
            if (existing.Def is { Group: "", Plural: "namespaces" } && !existing.Deleting)
            {
                // The namespace lifecycle: Terminating until the namespace controller (our GC) has emptied it.
                var ns = existing.ToJsonObject();
                ns["metadata"]!["deletionTimestamp"] = Now;
                ns["status"] = new JsonObject { ["phase"] = "Terminating" };
                var stored = store.Put(existing.Def, ns);
                AfterWrite(stored);
                return (store.Get(existing.Def, "", existing.Name) ?? stored, false);
            }
            if (finalizers.Count > 0)
            {
                if (existing.Deleting && finalizers.Count == existing.Finalizers.Count)
                {
                    return (existing, false);
                }
                var marked = existing.ToJsonObject();
                var meta = (JsonObject)marked["metadata"]!;
                meta["deletionTimestamp"] ??= Now;
                meta["deletionGracePeriodSeconds"] ??= 0;
                meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode?)f).ToArray());
                var stored = store.Put(existing.Def, marked);
                AfterWrite(stored);
                return (stored, false);
            }
            var final = store.Remove(existing);
            AfterRemove(final);
            return (final, true);
        }
    }

    /// <summary>Writes a controller's change to an object's status (no generation bump, no-op when equal).</summary>
    public void WriteStatus(StoredObject existing, JsonObject status)
    {
        var candidate = existing.ToJsonObject();
        candidate["status"] = status;
        Commit(existing, candidate, "status");
    }

    /// <summary>Writes a controller's change to metadata or spec without preconditions.</summary>
    public StoredObject WriteObject(StoredObject existing, JsonObject candidate) => Commit(existing, candidate, null);

    private void AfterWrite(StoredObject stored)
    {
        Workloads?.Observe(stored);
        GarbageCollector?.Collect();
    }

    private void AfterRemove(StoredObject removed)
    {
        if (removed.Def is { IsCustom: false, Group: "apiextensions.k8s.io" })
        {
            CustomResourceDefinitions.Unregister(registry, removed.ToJsonObject());
        }
        GarbageCollector?.Collect();
    }

    private static void CheckTypeMeta(ResourceDefinition def, JsonObject body)
    {
        var apiVersion = (string?)body["apiVersion"];
        var kind = (string?)body["kind"];
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != def.ApiVersion)
        {
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({def.ApiVersion})");
        }
        if (!string.IsNullOrEmpty(kind) && kind != def.Kind)
        {
            throw ApiError.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({def.Kind})");
        }
        body["apiVersion"] = def.ApiVersion;
        body["kind"] = def.Kind;
    }

    /// <summary>Non-metadata content equal? (what generation tracks: spec, and status when it has no subresource).</summary>
    private static bool SameContent(ResourceDefinition def, JsonObject old, JsonObject next)
    {
        var a = (JsonObject)old.DeepClone();
        var b = (JsonObject)next.DeepClone();
        foreach (var o in new[] { a, b })
        {
            o.Remove("metadata");
            o.Remove("kind");
            o.Remove("apiVersion");
            if (def.StatusSubresource)
            {
                o.Remove("status");
            }
        }
        return JsonNode.DeepEquals(a, b);
    }

    /// <summary>apiVersion, kind, metadata first, as the server writes objects.</summary>
    private static JsonObject Reorder(JsonObject obj)
    {
        var result = new JsonObject();
        foreach (var key in new[] { "apiVersion", "kind", "metadata" })
        {
            if (obj.TryGetPropertyValue(key, out var value))
            {
                result[key] = value?.DeepClone();
            }
        }
        foreach (var (key, value) in obj)
        {
            if (key is not ("apiVersion" or "kind" or "metadata"))
            {
                result[key] = value?.DeepClone();
            }
        }
        return result;
    }

    /// <summary>apiserver names.SimpleNameGenerator: prefix cut to 58 characters plus 5 random from a vowel-free alphabet.</summary>
    private static string GenerateName(string prefix)
    {
        if (prefix.Length > 58)
        {
            prefix = prefix[..58];
        }
        var chars = new char[5];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)];
        }
        return prefix + new string(chars);
    }
}
