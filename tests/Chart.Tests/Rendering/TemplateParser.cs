using System.Globalization;
using System.Text;

namespace RwAutoscaler.Chart.Tests.Rendering;

/// <summary>A template outside the subset, or broken: names the file and line.</summary>
internal sealed class TemplateException(string message) : Exception(message);

/// <summary>
/// Parses the subset of Go text/template syntax documented in tests/Chart.Tests/README.md: actions with trim markers,
/// comments, pipelines, parentheses, string/raw-string/number/bool literals, fields from dot or <c>$</c>, and the
/// keywords if / else / else if / with / range / define / end. Anything else (variables, templates, blocks, break) is
/// an error, so a chart cannot quietly grow beyond what the tests can render.
/// </summary>
internal static class TemplateParser
{
    public static (IReadOnlyList<TemplateNode> Nodes, IReadOnlyDictionary<string, IReadOnlyList<TemplateNode>> Defines) Parse(string text, string file)
    {
        var segments = Lex(text, file);
        var defines = new Dictionary<string, IReadOnlyList<TemplateNode>>(StringComparer.Ordinal);
        var position = 0;
        var nodes = ParseList(segments, ref position, file, defines, out var terminator);
        if (terminator is not null)
        {
            throw new TemplateException($"{file}:{terminator.Line}: unexpected {{{{ {terminator.Content} }}}}");
        }

        return (nodes, defines);
    }

    private sealed record Segment(bool IsAction, string Content, int Line);

    // Splits text and actions, applying the trim markers ("{{- " and " -}}" eat the whitespace next to them).
    private static List<Segment> Lex(string text, string file)
    {
        var segments = new List<Segment>();
        var i = 0;
        var line = 1;
        var trimNext = false;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            var literal = open < 0 ? text[i..] : text[i..open];
            if (trimNext)
            {
                literal = literal.TrimStart(' ', '\t', '\r', '\n');
            }

            if (open < 0)
            {
                segments.Add(new Segment(false, literal, line));
                break;
            }

            var trimLeft = open + 2 < text.Length && text[open + 2] == '-' && open + 3 < text.Length && char.IsWhiteSpace(text[open + 3]);
            if (trimLeft)
            {
                literal = literal.TrimEnd(' ', '\t', '\r', '\n');
            }

            segments.Add(new Segment(false, literal, line));
            line += text.AsSpan(i, open - i).Count('\n');
            var start = open + (trimLeft ? 3 : 2);
            var close = FindClose(text, start, file, line);
            var trimRight = close - 1 >= start && text[close - 1] == '-' && close - 2 >= start && char.IsWhiteSpace(text[close - 2]);
            var content = text[start..(trimRight ? close - 1 : close)].Trim();
            if (!(content.StartsWith("/*", StringComparison.Ordinal) && content.EndsWith("*/", StringComparison.Ordinal)))
            {
                segments.Add(new Segment(true, content, line));
            }

            line += text.AsSpan(open, close + 2 - open).Count('\n');
            trimNext = trimRight;
            i = close + 2;
        }

        return segments;
    }

    // The "}}" that ends the action, skipping quoted strings and comments (which may contain "}}").
    private static int FindClose(string text, int start, string file, int line)
    {
        var i = start;
        while (i < text.Length - 1)
        {
            var ch = text[i];
            if (ch == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    i += text[i] == '\\' ? 2 : 1;
                }
            }
            else if (ch == '`')
            {
                i = text.IndexOf('`', i + 1);
                if (i < 0)
                {
                    break;
                }
            }
            else if (ch == '/' && text[i + 1] == '*')
            {
                i = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (i < 0)
                {
                    break;
                }

                i++;
            }
            else if (ch == '}' && text[i + 1] == '}')
            {
                return i;
            }

            i++;
        }

        throw new TemplateException($"{file}:{line}: unclosed action");
    }

    private static List<TemplateNode> ParseList(
        List<Segment> segments, ref int position, string file, Dictionary<string, IReadOnlyList<TemplateNode>> defines, out Segment? terminator)
    {
        var nodes = new List<TemplateNode>();
        while (position < segments.Count)
        {
            var segment = segments[position++];
            if (!segment.IsAction)
            {
                if (segment.Content.Length > 0)
                {
                    nodes.Add(new TextNode(segment.Content));
                }

                continue;
            }

            var (keyword, rest) = SplitKeyword(segment.Content);
            switch (keyword)
            {
                case "end":
                case "else":
                    terminator = segment;
                    return nodes;
                case "if":
                case "with":
                case "range":
                    nodes.Add(ParseBranch(keyword, rest, segment.Line, segments, ref position, file, defines));
                    break;
                case "define":
                    var name = ParsePipeline(rest, file, segment.Line).Commands is [{ Operands: [LiteralOperand { Value: string n }] }]
                        ? n
                        : throw new TemplateException($"{file}:{segment.Line}: define needs a quoted name");
                    var body = ParseList(segments, ref position, file, defines, out var end);
                    if (end is null || SplitKeyword(end.Content).Keyword != "end")
                    {
                        throw new TemplateException($"{file}:{segment.Line}: define \"{name}\" has no {{{{ end }}}}");
                    }

                    defines[name] = body;
                    break;
                case "template":
                case "block":
                case "break":
                case "continue":
                    throw new TemplateException($"{file}:{segment.Line}: '{keyword}' is outside the allowed subset (use include)");
                default:
                    nodes.Add(new PrintNode(ParsePipeline(segment.Content, file, segment.Line), segment.Line));
                    break;
            }
        }

        terminator = null;
        return nodes;
    }

    private static BranchNode ParseBranch(
        string keyword, string condition, int line, List<Segment> segments, ref int position, string file, Dictionary<string, IReadOnlyList<TemplateNode>> defines)
    {
        var pipeline = ParsePipeline(condition, file, line);
        var then = ParseList(segments, ref position, file, defines, out var terminator);
        if (terminator is null)
        {
            throw new TemplateException($"{file}:{line}: {keyword} has no {{{{ end }}}}");
        }

        var (word, rest) = SplitKeyword(terminator.Content);
        if (word == "end")
        {
            return new BranchNode(keyword, pipeline, then, [], line);
        }

        // else, or "else if ..." which is an if nested in the else branch that shares the outer end.
        var (elseWord, elseRest) = SplitKeyword(rest);
        if (elseWord == "if")
        {
            var nested = ParseBranch("if", elseRest, terminator.Line, segments, ref position, file, defines);
            return new BranchNode(keyword, pipeline, then, [nested], line);
        }

        if (rest.Length > 0)
        {
            throw new TemplateException($"{file}:{terminator.Line}: 'else {rest}' is outside the allowed subset");
        }

        var otherwise = ParseList(segments, ref position, file, defines, out var end);
        if (end is null || SplitKeyword(end.Content).Keyword != "end")
        {
            throw new TemplateException($"{file}:{line}: {keyword} ... else has no {{{{ end }}}}");
        }

        return new BranchNode(keyword, pipeline, then, otherwise, line);
    }

    private static (string Keyword, string Remainder) SplitKeyword(string content)
    {
        var space = content.IndexOfAny([' ', '\t', '\n', '\r']);
        var word = space < 0 ? content : content[..space];
        return word is "if" or "else" or "end" or "with" or "range" or "define" or "template" or "block" or "break" or "continue"
            ? (word, space < 0 ? "" : content[(space + 1)..].Trim())
            : ("", content);
    }

    internal static Pipeline ParsePipeline(string text, string file, int line)
    {
        var tokens = Tokenize(text, file, line);
        var position = 0;
        var pipeline = ParsePipelineTokens(tokens, ref position, file, line);
        if (position != tokens.Count)
        {
            throw new TemplateException($"{file}:{line}: unexpected '{tokens[position].Text}' in {{{{ {text} }}}}");
        }

        return pipeline;
    }

    private sealed record Token(char Kind, string Text, object? Value = null);

    private static Pipeline ParsePipelineTokens(List<Token> tokens, ref int position, string file, int line)
    {
        var commands = new List<Command>();
        var operands = new List<Operand>();
        while (position < tokens.Count && tokens[position].Kind != ')')
        {
            var token = tokens[position++];
            switch (token.Kind)
            {
                case '|':
                    if (operands.Count == 0)
                    {
                        throw new TemplateException($"{file}:{line}: empty command before '|'");
                    }

                    commands.Add(new Command(operands));
                    operands = [];
                    break;
                case '(':
                    operands.Add(new SubPipelineOperand(ParsePipelineTokens(tokens, ref position, file, line)));
                    if (position >= tokens.Count || tokens[position++].Kind != ')')
                    {
                        throw new TemplateException($"{file}:{line}: unclosed '('");
                    }

                    break;
                case '.':
                    operands.Add(new FieldOperand(false, (string[])token.Value!));
                    break;
                case '$':
                    operands.Add(new FieldOperand(true, (string[])token.Value!));
                    break;
                case 'l':
                    operands.Add(new LiteralOperand(token.Value));
                    break;
                case 'f':
                    operands.Add(new FunctionOperand(token.Text));
                    break;
                default:
                    throw new TemplateException($"{file}:{line}: unexpected '{token.Text}'");
            }
        }

        if (operands.Count == 0)
        {
            throw new TemplateException($"{file}:{line}: empty pipeline");
        }

        commands.Add(new Command(operands));
        return new Pipeline(commands);
    }

    private static List<Token> Tokenize(string text, string file, int line)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var ch = text[i];
            if (char.IsWhiteSpace(ch))
            {
                i++;
            }
            else if (ch is '|' or '(' or ')')
            {
                tokens.Add(new Token(ch, ch.ToString()));
                i++;
            }
            else if (ch == '"')
            {
                var value = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        value.Append(text[i + 1] switch
                        {
                            'n' => '\n',
                            't' => '\t',
                            '"' => '"',
                            '\\' => '\\',
                            var other => throw new TemplateException($"{file}:{line}: escape \\{other} is outside the allowed subset"),
                        });
                        i += 2;
                    }
                    else
                    {
                        value.Append(text[i++]);
                    }
                }

                i++;
                tokens.Add(new Token('l', "string", value.ToString()));
            }
            else if (ch == '`')
            {
                var end = text.IndexOf('`', i + 1);
                tokens.Add(new Token('l', "string", text[(i + 1)..end]));
                i = end + 1;
            }
            else if (ch is '.' or '$')
            {
                var start = i;
                i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }

                var word = text[start..i];
                if (ch == '$' && word.Length > 1 && word[1] != '.')
                {
                    throw new TemplateException($"{file}:{line}: variables ({word}) are outside the allowed subset; use $ or dot");
                }

                var path = word.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries);
                tokens.Add(new Token(ch, word, path));
            }
            else if (char.IsDigit(ch) || (ch == '-' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                var start = i;
                i++;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] is '.' or 'e' or 'E'))
                {
                    i++;
                }

                var number = text[start..i];
                tokens.Add(new Token('l', number, number.Contains('.', StringComparison.Ordinal) || number.Contains('e', StringComparison.OrdinalIgnoreCase)
                    ? (object)double.Parse(number, CultureInfo.InvariantCulture)
                    : long.Parse(number, CultureInfo.InvariantCulture)));
            }
            else if (char.IsLetter(ch))
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                var word = text[start..i];
                tokens.Add(word switch
                {
                    "true" => new Token('l', word, true),
                    "false" => new Token('l', word, false),
                    "nil" => new Token('l', word, null),
                    _ => new Token('f', word),
                });
            }
            else if (ch == ':' || ch == '=')
            {
                throw new TemplateException($"{file}:{line}: assignments are outside the allowed subset");
            }
            else
            {
                throw new TemplateException($"{file}:{line}: unexpected character '{ch}'");
            }
        }

        return tokens;
    }
}
