using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube.Patching;

/// <summary>One RFC 6902 operation. <see cref="Value"/> is used by add, replace and test; <see cref="From"/> by move and copy.</summary>
public sealed record JsonPatchOperation(string Op, string Path, JsonNode? Value = null, string? From = null);

public sealed class JsonPatchException : Exception
{
    public JsonPatchException()
    {
    }

    public JsonPatchException(string message)
        : base(message)
    {
    }

    public JsonPatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An RFC 6902 JSON patch as the fake API server reads and applies it (clients build theirs with KubePatch).</summary>
public sealed class JsonPatchApplier
{
    private readonly List<JsonPatchOperation> operations = [];

    public IReadOnlyList<JsonPatchOperation> Operations => operations;

    /// <summary>Parses a patch body; the error names the operation and field at fault.</summary>
    public static JsonPatchApplier Parse(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new JsonPatchException($"the patch is not valid JSON: {e.Message}", e);
        }
        if (root is not JsonArray array)
        {
            throw new JsonPatchException("a JSON patch must be an array of operations");
        }
        var doc = new JsonPatchApplier();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject op)
            {
                throw new JsonPatchException($"operation {i} must be an object");
            }
            var name = StringField(op, "op", i);
            var path = StringField(op, "path", i);
            if (name is not ("add" or "remove" or "replace" or "test" or "move" or "copy"))
            {
                throw new JsonPatchException($"operation {i}: unknown op '{name}', expected add, remove, replace, move, copy or test");
            }
            if (name is "add" or "replace" or "test" && !op.ContainsKey("value"))
            {
                throw new JsonPatchException($"operation {i} ({name}): missing field 'value'");
            }
            var from = name is "move" or "copy" ? StringField(op, "from", i) : null;
            doc.Append(new(name, path, op["value"]?.DeepClone(), from));
        }
        return doc;
    }

    /// <summary>Applies every operation to a copy of <paramref name="document"/>; all or nothing.</summary>
    public JsonNode? Apply(JsonNode? document)
    {
        var result = document?.DeepClone();
        for (var i = 0; i < operations.Count; i++)
        {
            try
            {
                result = ApplyOne(result, operations[i]);
            }
            catch (JsonPatchException e)
            {
                throw new JsonPatchException($"operation {i} ({operations[i].Op} {operations[i].Path}): {e.Message}", e);
            }
        }
        return result;
    }

    private JsonPatchApplier Append(JsonPatchOperation op)
    {
        operations.Add(op);
        return this;
    }

    private static string StringField(JsonObject op, string field, int index) =>
        op[field] is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : throw new JsonPatchException($"operation {index}: field '{field}' must be a string");

    private static JsonNode? ApplyOne(JsonNode? doc, JsonPatchOperation op)
    {
        switch (op.Op)
        {
            case "add":
                return Add(doc, JsonPointer.Parse(op.Path), op.Value?.DeepClone());
            case "remove":
                return Remove(doc, JsonPointer.Parse(op.Path), out _);
            case "replace":
            {
                var path = JsonPointer.Parse(op.Path);
                var removed = Remove(doc, path, out _);
                return Add(removed, path, op.Value?.DeepClone());
            }
            case "test":
            {
                var actual = Resolve(doc, JsonPointer.Parse(op.Path));
                if (!JsonNode.DeepEquals(actual, op.Value))
                {
                    throw new JsonPatchException(
                        $"test failed: value is {actual?.ToJsonString() ?? "null"}, expected {op.Value?.ToJsonString() ?? "null"}");
                }
                return doc;
            }
            case "move":
            {
                var from = JsonPointer.Parse(op.From!);
                var to = JsonPointer.Parse(op.Path);
                if (to.Count > from.Count && to.Take(from.Count).SequenceEqual(from))
                {
                    throw new JsonPatchException("cannot move a value into one of its own children");
                }
                var removed = Remove(doc, from, out var value);
                return Add(removed, to, value);
            }
            case "copy":
                return Add(doc, JsonPointer.Parse(op.Path), Resolve(doc, JsonPointer.Parse(op.From!))?.DeepClone());
            default:
                throw new JsonPatchException($"unknown op '{op.Op}'");
        }
    }

    private static JsonNode? Resolve(JsonNode? doc, IReadOnlyList<string> path)
    {
        var node = doc;
        foreach (var segment in path)
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(segment, out var child) => child,
                JsonArray arr when TryIndex(segment, arr.Count, out var i) => arr[i],
                _ => throw new JsonPatchException($"path segment '{segment}' does not exist"),
            };
        }
        return node;
    }

    private static JsonNode? Add(JsonNode? doc, IReadOnlyList<string> path, JsonNode? value)
    {
        if (path.Count == 0)
        {
            return value;
        }
        var parent = Resolve(doc, path.Take(path.Count - 1).ToArray());
        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray arr when last == "-":
                arr.Add(value);
                break;
            case JsonArray arr when TryIndex(last, arr.Count + 1, out var index):
                arr.Insert(index, value);
                break;
            default:
                throw new JsonPatchException($"cannot add at '{last}': the parent is not an object or the index is out of range");
        }
        return doc;
    }

    private static JsonNode? Remove(JsonNode? doc, IReadOnlyList<string> path, out JsonNode? removed)
    {
        if (path.Count == 0)
        {
            removed = doc;
            return null;
        }
        var parent = Resolve(doc, path.Take(path.Count - 1).ToArray());
        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj when obj.TryGetPropertyValue(last, out var child):
                obj.Remove(last);
                removed = child;
                break;
            case JsonArray arr when TryIndex(last, arr.Count, out var index):
                removed = arr[index];
                arr.RemoveAt(index);
                break;
            default:
                throw new JsonPatchException($"path segment '{last}' does not exist");
        }
        return doc;
    }

    private static bool TryIndex(string segment, int count, out int index) =>
        int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out index)
        && (segment == "0" || segment[0] != '0')
        && index < count;
}
