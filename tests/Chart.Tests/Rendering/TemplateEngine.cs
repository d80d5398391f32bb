using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RwAutoscaler.Chart.Tests.Rendering;

/// <summary>
/// Evaluates parsed templates the way Helm's engine does for the allowed subset. Data is what Helm passes: maps,
/// lists, strings, bools, and numbers from values as float64 (so <c>eq .Values.n 2</c> is an error, as in Helm).
/// Stricter than Helm in one way, on purpose: printing a missing value is an error, not an empty string.
/// </summary>
internal sealed class TemplateEngine(IReadOnlyDictionary<string, IReadOnlyList<TemplateNode>> defines, Func<string, string> readFile)
{
    private int _depth;

    public string Render(IReadOnlyList<TemplateNode> nodes, object? root, string file)
    {
        var output = new StringBuilder();
        Run(nodes, root, root, output, file);
        return output.ToString();
    }

    private void Run(IReadOnlyList<TemplateNode> nodes, object? dot, object? root, StringBuilder output, string file)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case PrintNode print:
                    output.Append(Print(Evaluate(print.Pipeline, dot, root, file, print.Line), file, print.Line));
                    break;
                case BranchNode { Keyword: "range" } range:
                    var items = Evaluate(range.Condition, dot, root, file, range.Line) switch
                    {
                        JsonArray array => array.Select(Unwrap).ToList(),
                        JsonObject map => map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Unwrap(p.Value)).ToList(),
                        null => [],
                        var other => throw new TemplateException($"{file}:{range.Line}: range over {TypeName(other)}"),
                    };
                    foreach (var item in items)
                    {
                        Run(range.Then, item, root, output, file);
                    }

                    if (items.Count == 0)
                    {
                        Run(range.Else, dot, root, output, file);
                    }

                    break;
                case BranchNode branch:
                    var value = Evaluate(branch.Condition, dot, root, file, branch.Line);
                    if (Truthy(value))
                    {
                        Run(branch.Then, branch.Keyword == "with" ? value : dot, root, output, file);
                    }
                    else
                    {
                        Run(branch.Else, dot, root, output, file);
                    }

                    break;
            }
        }
    }

    private object? Evaluate(Pipeline pipeline, object? dot, object? root, string file, int line)
    {
        object? piped = null;
        var first = true;
        foreach (var command in pipeline.Commands)
        {
            piped = Execute(command, dot, root, file, line, first ? NoValue : piped);
            first = false;
        }

        return piped;
    }

    private static readonly object NoValue = new();

    private object? Execute(Command command, object? dot, object? root, string file, int line, object? piped)
    {
        var head = command.Operands[0];
        var rest = command.Operands.Skip(1).ToList();
        if (head is FieldOperand { Path: ["Files", "Get"] } files)
        {
            var args = rest.Select(o => Operand(o, dot, root, file, line)).ToList();
            if (piped != NoValue)
            {
                args.Add(piped);
            }

            return args is [string path] ? readFile(path) : throw new TemplateException($"{file}:{line}: .Files.Get takes one path");
        }

        if (head is FunctionOperand function)
        {
            var args = rest.Select(o => Operand(o, dot, root, file, line)).ToList();
            if (piped != NoValue)
            {
                args.Add(piped);
            }

            return Call(function.Name, args, root, file, line);
        }

        if (rest.Count > 0 || piped != NoValue)
        {
            throw new TemplateException($"{file}:{line}: only a function takes arguments");
        }

        return Operand(head, dot, root, file, line);
    }

    private object? Operand(Operand operand, object? dot, object? root, string file, int line) => operand switch
    {
        LiteralOperand literal => literal.Value,
        SubPipelineOperand sub => Evaluate(sub.Pipeline, dot, root, file, line),
        FieldOperand field => Field(field.FromRoot ? root : dot, field.Path, file, line),
        FunctionOperand function => Call(function.Name, [], root, file, line),
        _ => throw new TemplateException($"{file}:{line}: unknown operand"),
    };

    private static object? Field(object? start, IReadOnlyList<string> path, string file, int line)
    {
        var current = start;
        var walked = "";
        foreach (var name in path)
        {
            current = current switch
            {
                JsonObject map => Unwrap(map[name]),
                null => throw new TemplateException($"{file}:{line}: nil pointer evaluating {(walked.Length == 0 ? "." : walked)}.{name}"),
                var other => throw new TemplateException($"{file}:{line}: can't evaluate field {name} in {TypeName(other)}"),
            };
            walked += "." + name;
        }

        return current;
    }

    private object? Call(string name, List<object?> args, object? root, string file, int line)
    {
        string Where() => $"{file}:{line}: {name}";
        void Arity(int count)
        {
            if (args.Count != count)
            {
                throw new TemplateException($"{Where()}: expected {count} arguments, got {args.Count}");
            }
        }

        switch (name)
        {
            case "include":
                Arity(2);
                var defineName = args[0] as string ?? throw new TemplateException($"{Where()}: the name must be a string");
                if (!defines.TryGetValue(defineName, out var body))
                {
                    throw new TemplateException($"{Where()}: no template \"{defineName}\" is defined");
                }

                if (++_depth > 50)
                {
                    throw new TemplateException($"{Where()}: include nested too deeply");
                }

                var output = new StringBuilder();
                Run(body, args[1], root, output, file);
                _depth--;
                return output.ToString();
            case "toYaml":
                Arity(1);
                return YamlText.Write(ToNode(args[0])).TrimEnd('\n');
            case "toJson":
                Arity(1);
                return ToNode(args[0])?.ToJsonString() ?? "null";
            case "quote":
                Arity(1);
                return JsonSerializer.Serialize(args[0] is string s ? s : Print(args[0], file, line));
            case "indent":
            case "nindent":
                Arity(2);
                var width = args[0] is long w ? (int)w : throw new TemplateException($"{Where()}: the width must be an integer literal");
                var pad = new string(' ', width);
                var indented = pad + (args[1] as string ?? Print(args[1], file, line)).Replace("\n", "\n" + pad, StringComparison.Ordinal);
                return name == "nindent" ? "\n" + indented : indented;
            case "printf":
                if (args.Count == 0 || args[0] is not string format)
                {
                    throw new TemplateException($"{Where()}: needs a format string");
                }

                var parts = format.Split("%s");
                if (parts.Length - 1 != args.Count - 1 || format.Replace("%s", "", StringComparison.Ordinal).Contains('%', StringComparison.Ordinal))
                {
                    throw new TemplateException($"{Where()}: only %s, one per argument, is in the allowed subset");
                }

                var formatted = new StringBuilder(parts[0]);
                for (var i = 1; i < parts.Length; i++)
                {
                    formatted.Append(Print(args[i], file, line)).Append(parts[i]);
                }

                return formatted.ToString();
            case "default":
                Arity(2);
                return Empty(args[1]) ? args[0] : args[1];
            case "required":
                Arity(2);
                return args[1] is null or "" ? throw new TemplateException($"{Where()}: {args[0]}") : args[1];
            case "empty":
                Arity(1);
                return Empty(args[0]);
            case "not":
                Arity(1);
                return !Truthy(args[0]);
            case "and":
                return args.FirstOrDefault(a => !Truthy(a), args.LastOrDefault());
            case "or":
                return args.FirstOrDefault(Truthy, args.LastOrDefault());
            case "eq":
                return args.Count >= 2 ? args.Skip(1).Any(b => Equal(args[0], b, Where())) : throw new TemplateException($"{Where()}: needs two arguments");
            case "ne":
                Arity(2);
                return !Equal(args[0], args[1], Where());
            case "gt":
                Arity(2);
                return (args[0], args[1]) is (long x, long y) ? x > y : throw new TemplateException($"{Where()}: gt compares two integers (use int), got {TypeName(args[0])} and {TypeName(args[1])}");
            case "int":
                // Sprig's int: helm reads YAML numbers as float64, which gt will not compare with an integer literal.
                Arity(1);
                return args[0] switch
                {
                    long integer => integer,
                    double d => (long)d,
                    string t when long.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
                    _ => 0L,
                };
            case "kindIs":
                Arity(2);
                return (args[0] as string) switch
                {
                    "string" => args[1] is string,
                    "bool" => args[1] is bool,
                    "map" => args[1] is JsonObject,
                    "slice" => args[1] is JsonArray,
                    "invalid" => args[1] is null,
                    var kind => throw new TemplateException($"{Where()}: kindIs \"{kind}\" is outside the allowed subset"),
                };
            case "trunc":
                Arity(2);
                var length = args[0] is long l ? (int)l : throw new TemplateException($"{Where()}: the length must be an integer literal");
                var text = args[1] as string ?? throw new TemplateException($"{Where()}: expects a string");
                return text.Length > length ? text[..length] : text;
            case "trimSuffix":
                Arity(2);
                var whole = args[1] as string ?? throw new TemplateException($"{Where()}: expects a string");
                var suffix = args[0] as string ?? "";
                return suffix.Length > 0 && whole.EndsWith(suffix, StringComparison.Ordinal) ? whole[..^suffix.Length] : whole;
            default:
                throw new TemplateException($"{Where()}: function \"{name}\" is outside the allowed subset");
        }
    }

    private static bool Equal(object? a, object? b, string where) => (a, b) switch
    {
        (string x, string y) => x == y,
        (bool x, bool y) => x == y,
        (long x, long y) => x == y,
        (double x, double y) => x.Equals(y),
        _ => throw new TemplateException($"{where}: incompatible types for comparison ({TypeName(a)} and {TypeName(b)})"),
    };

    /// <summary>Go's truth: false, 0, nil and empty strings, maps and lists are false.</summary>
    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        _ => true,
    };

    // Sprig's empty, which default uses: like Go's falsehood.
    private static bool Empty(object? value) => !Truthy(value);

    private static string Print(object? value, string file, int line) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => GoFloat(d),
        null => throw new TemplateException($"{file}:{line}: printing a missing value (Helm would print nothing; give it a default or guard it with if)"),
        _ => throw new TemplateException($"{file}:{line}: printing a {TypeName(value)} (use toYaml)"),
    };

    /// <summary>Go's %v for a float64: shortest digits, exponent form from 1e+06 up or below 1e-04 (Helm prints 1000000 as 1e+06).</summary>
    public static string GoFloat(double value)
    {
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = shortest.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? shortest : shortest[..e];
        var exponent = e < 0 ? 0 : int.Parse(shortest[(e + 1)..], CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var decimalPoint = (point < 0 ? mantissa.Length : point) + exponent;
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        var exp10 = decimalPoint - leading - 1;
        if (exp10 is >= -4 and < 6)
        {
            return value.ToString("R", CultureInfo.InvariantCulture);
        }

        var sign = value < 0 ? "-" : "";
        var fraction = digits.Length > 1 ? "." + digits[1..] : "";
        return $"{sign}{digits[0]}{fraction}e{(exp10 < 0 ? '-' : '+')}{Math.Abs(exp10):00}";
    }

    private static object? Unwrap(JsonNode? node) => node switch
    {
        null => null,
        JsonObject or JsonArray => (object)node,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        // Helm reads values through JSON: every number is a float64.
        JsonValue v when v.TryGetValue<long>(out var l) => (double)l,
        JsonValue v => v.GetValue<double>(),
        _ => throw new TemplateException($"unexpected node {node.GetType().Name}"),
    };

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        _ => throw new TemplateException($"cannot convert {TypeName(value)}"),
    };

    private static string TypeName(object? value) => value switch
    {
        null => "nil",
        JsonObject => "map",
        JsonArray => "list",
        string => "string",
        bool => "bool",
        long => "int",
        double => "float64",
        _ => value.GetType().Name,
    };
}
