namespace RwAutoscaler.Chart.Tests.Rendering;

/// <summary>A parsed template: text and actions, as Go's text/template parse tree, restricted to the subset we allow.</summary>
internal abstract record TemplateNode;

internal sealed record TextNode(string Text) : TemplateNode;

/// <summary><c>{{ pipeline }}</c>: prints the value.</summary>
internal sealed record PrintNode(Pipeline Pipeline, int Line) : TemplateNode;

/// <summary><c>if</c>, <c>with</c> (rebinds dot) and <c>range</c> (dot is each element).</summary>
internal sealed record BranchNode(string Keyword, Pipeline Condition, IReadOnlyList<TemplateNode> Then, IReadOnlyList<TemplateNode> Else, int Line) : TemplateNode;

/// <summary>Commands joined by <c>|</c>: each one's value is passed as the last argument of the next.</summary>
internal sealed record Pipeline(IReadOnlyList<Command> Commands);

/// <summary>A function name with arguments, or a single operand.</summary>
internal sealed record Command(IReadOnlyList<Operand> Operands);

internal abstract record Operand;

/// <summary><c>.a.b</c> (from dot) or <c>$.a.b</c> (from the root); an empty path is dot or the root itself.</summary>
internal sealed record FieldOperand(bool FromRoot, IReadOnlyList<string> Path) : Operand;

internal sealed record LiteralOperand(object? Value) : Operand;

internal sealed record FunctionOperand(string Name) : Operand;

internal sealed record SubPipelineOperand(Pipeline Pipeline) : Operand;
