using RwAutoscaler.Autoscaler.Recording;
using Xunit;

namespace RwAutoscaler.Autoscaler.Tests.Recording;

public sealed class OpenMetricsExportTests
{
    [Fact]
    public void Writes_one_gauge_series_per_recorded_series_and_skips_gaps()
    {
        var recording = SyntheticRecording.Make(3, i => 1000 * (i + 1), gap: i => i == 1);
        var text = new StringWriter();

        OpenMetricsExport.Write(recording, text);
        var lines = text.ToString().Split('\n');

        Assert.Equal("# TYPE rwautoscaler_recorded_signal gauge", lines[0]);
        Assert.Contains("rwautoscaler_recorded_signal{namespace=\"streaming\",risingwave_name=\"rw\",component=\"compute\",group=\"\",signal=\"ingestRate\"} 1000 1793491200", lines);
        Assert.Contains("rwautoscaler_recorded_signal{namespace=\"streaming\",risingwave_name=\"rw\",component=\"compute\",group=\"\",signal=\"ingestRate\"} 3000 1793491230", lines);
        Assert.DoesNotContain(lines, l => l.Contains(" 1793491215", StringComparison.Ordinal)); // the gap
        Assert.Contains("rwautoscaler_recorded_replicas{namespace=\"streaming\",risingwave_name=\"rw\",component=\"compactor\",group=\"\",kind=\"targetReplicas\"} 1 1793491200", lines);
        Assert.Equal("# EOF", lines[^2]);
        Assert.Equal("", lines[^1]);
    }

    [Fact]
    public void The_exported_query_selects_exactly_the_exported_labels_and_only_the_sample_of_each_step()
    {
        var recording = SyntheticRecording.Make(1, _ => 1);
        var series = recording.Series.First(s => s.Signal == Policies.Model.Signal.BusyRatio);

        Assert.Equal(
            "last_over_time(rwautoscaler_recorded_signal{namespace=\"streaming\",risingwave_name=\"rw\",component=\"compute\",group=\"\",signal=\"busyRatio\"}[14999ms])",
            OpenMetricsExport.ExportedQuery(recording.Labels, series, TimeSpan.FromSeconds(15)));
    }
}
