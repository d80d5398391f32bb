using System.Text;

namespace RwAutoscaler.Policies.Decisions;

/// <summary>Writes the one-line reason of a decision; only runs when someone asks for it.</summary>
internal static class DecisionText
{
    public static string Reason(ComponentDecision d)
    {
        var text = new StringBuilder();
        text.Append(d.Component.ToString()).Append(' ');
        text.Append(d.IsChange ? $"{d.From} -> {d.To}" : $"stays at {d.From}");
        text.Append(": ");

        var lastGuard = d.Guards.IsDefaultOrEmpty ? (GuardStep?)null : d.Guards[^1];
        var winner = d.Winner >= 0 ? d.Proposals[d.Winner] : (Proposal?)null;

        if (lastGuard is { } guard)
        {
            // Guards only leave a step when they intervene: the last one had the last word.
            text.Append(guard.Explain());
            if (d.Recommended != d.To && winner is { } w)
            {
                text.Append(" (").Append(w.Policy).Append(" wanted ").Append(d.Recommended).Append(')');
            }
        }
        else if (winner is { } w)
        {
            text.Append(w.Policy).Append(": ").Append(w.Explain());
        }
        else
        {
            text.Append("no policy has an opinion");
            foreach (var p in d.Proposals)
            {
                if (p.Kind == ProposalKind.Abstain)
                {
                    text.Append("; ").Append(p.Policy).Append(": ").Append(p.Explain());
                    break;
                }
            }
        }

        return text.ToString();
    }
}
