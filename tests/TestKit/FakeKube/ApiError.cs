using System.Text.Json.Nodes;

namespace RwAutoscaler.TestKit.FakeKube;

/// <summary>
/// A failure answered as a Status body, built like apimachinery pkg/api/errors/errors.go builds it
/// (same reasons, codes, message formats, and details.kind holding the plural resource).
/// </summary>
internal sealed class ApiError : Exception
{
    public ApiError(int code, string reason, string message, JsonObject? details = null)
        : base(message) => (Code, Reason, Details) = (code, reason, details);

    public ApiError()
        : this(500, "InternalError", "internal error")
    {
    }

    public ApiError(string message)
        : this(500, "InternalError", message)
    {
    }

    public ApiError(string message, Exception innerException)
        : base(message, innerException) => (Code, Reason) = (500, "InternalError");

    public int Code { get; }

    public string Reason { get; }

    public JsonObject? Details { get; }

    public int? RetryAfterSeconds { get; init; }

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.DeepClone();
        }
        status["code"] = Code;
        return status;
    }

    private static JsonObject DetailsOf(ResourceDefinition def, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (def.Group.Length > 0)
        {
            details["group"] = def.Group;
        }
        details["kind"] = def.Plural;
        return details;
    }

    public static ApiError NotFound(ResourceDefinition def, string name) =>
        new(404, "NotFound", $"{def.GroupResource} \"{name}\" not found", DetailsOf(def, name));

    public static ApiError NamespaceNotFound(string ns) =>
        new(404, "NotFound", $"namespaces \"{ns}\" not found", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });

    /// <summary>NewGenericServerResponse for an unknown path.</summary>
    public static ApiError UnknownPath() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiError AlreadyExists(ResourceDefinition def, string name, bool beingDeleted = false) =>
        new(409, "AlreadyExists", $"{(beingDeleted ? "object is being deleted: " : "")}{def.GroupResource} \"{name}\" already exists", DetailsOf(def, name));

    public static ApiError Conflict(ResourceDefinition def, string name, string cause) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {def.GroupResource} \"{name}\": {cause}", DetailsOf(def, name));

    public const string OptimisticLockErrorMsg = "the object has been modified; please apply your changes to the latest version and try again";

    /// <summary>NewInvalid: "Kind.group "name" is invalid: field: Invalid value: ...", with one cause per field error.</summary>
    public static ApiError Invalid(ResourceDefinition def, string name, params (string Field, string Reason, string Message)[] errors)
    {
        var causes = new JsonArray();
        foreach (var (field, reason, message) in errors)
        {
            causes.Add(new JsonObject { ["reason"] = reason, ["message"] = message, ["field"] = field });
        }
        var kindGroup = def.Group.Length == 0 ? def.Kind : $"{def.Kind}.{def.Group}";
        var summary = errors.Length == 1
            ? $"{errors[0].Field}: {errors[0].Message}"
            : "[" + string.Join(", ", errors.Select(e => $"{e.Field}: {e.Message}")) + "]";
        var details = new JsonObject { ["name"] = name };
        if (def.Group.Length > 0)
        {
            details["group"] = def.Group;
        }
        details["kind"] = def.Kind;
        details["causes"] = causes;
        return new ApiError(422, "Invalid", $"{kindGroup} \"{name}\" is invalid: {summary}", details);
    }

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message);

    public static ApiError MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiError Expired(string message) => new(410, "Expired", message);

    public static ApiError Internal(string message) =>
        new(500, "InternalError", $"Internal error occurred: {message}", new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) });
}
