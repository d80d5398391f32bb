using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Commands;

/// <summary><c>autoscaler run</c>'s flags: a bad one is one line naming it, before any cluster is looked for.</summary>
public sealed class RunCommandTests
{
    [Theory]
    [InlineData("--prometheus-url=foo", "--prometheus-url: expected an http or https URL")]
    [InlineData("--prometheus-partial-response=maybe", "--prometheus-partial-response")]
    [InlineData("--rate-window=0s", "--rate-window: expected a duration")]
    [InlineData("--label-cluster=9x", "--label-cluster: '9x' is not a Prometheus label name")]
    [InlineData("--prometheus-header=nocolon", "--prometheus-header: expected 'Name: value', got 'nocolon'")]
    [InlineData("--listen=nope", "--listen: expected host:port such as 0.0.0.0:8080, :8080 or http://0.0.0.0:8080, got 'nope'")]
    [InlineData("--listen=10.0.0.300:80", "--listen: '10.0.0.300' is not an IP address")]
    [InlineData("--metrics-retention=forever", "--metrics-retention: expected a duration")]
    [InlineData("--rescale-settle=-1m", "--rescale-settle: expected a duration")]
    [InlineData("--workers=0", "--workers: expected 1 to 64")]
    [InlineData("--prometheus-ca-file=/nonexistent/ca.pem", "--prometheus-ca-file: file not found: /nonexistent/ca.pem")]
    public void A_bad_flag_is_named_before_the_cluster_is_looked_for(string flag, string message)
    {
        var prometheus = flag.StartsWith("--prometheus-url=", StringComparison.Ordinal) ? [] : new[] { "--prometheus-url=http://127.0.0.1:9" };
        var result = CliRunner.Run(["run", .. prometheus, "--kubeconfig=/nonexistent/kubeconfig", flag]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("--kubeconfig", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0:8080")]
    [InlineData(":8080")]
    [InlineData("127.0.0.1:0")]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("[::1]:8080")]
    public void Good_flags_get_as_far_as_the_kubeconfig(string listen)
    {
        var result = CliRunner.Run("run", "--prometheus-url=http://127.0.0.1:9", "--kubeconfig=/nonexistent/kubeconfig", $"--listen={listen}");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --kubeconfig: ", result.Error, StringComparison.Ordinal);
    }
}
