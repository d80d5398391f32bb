using RwAutoscaler.Policies.Configuration;

namespace RwAutoscaler.Simulator.Scenarios;

/// <summary>Reads the text of a spec file (scenario, policy, search space); a file that cannot be read is a spec error naming it.</summary>
internal static class SpecFile
{
    public static string ReadText(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecException(Path.GetFileName(path), [new SpecError("", $"cannot read {path}: {e.Message}")]);
        }
    }
}
