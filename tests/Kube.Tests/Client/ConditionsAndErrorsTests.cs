using k8s.Models;
using RwAutoscaler.Kube.Client;
using RwAutoscaler.Kube.Models;

namespace RwAutoscaler.Kube.Tests.Client;

public sealed class ConditionsAndErrorsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // apimachinery conditions.go SetStatusCondition: lastTransitionTime moves only when status flips.
    [Fact]
    public void set_condition_keeps_the_transition_time_unless_status_flips()
    {
        var (list, changed) = Conditions.Set(null, new Condition { Type = "Ready", Status = "False", Reason = "Starting", Message = "" }, T0);
        Assert.True(changed);
        (list, changed) = Conditions.Set(list, new Condition { Type = "Ready", Status = "False", Reason = "Starting", Message = "" }, T0.AddMinutes(1));
        Assert.False(changed);
        (list, changed) = Conditions.Set(list, new Condition { Type = "Ready", Status = "False", Reason = "Waiting", Message = "2/3" }, T0.AddMinutes(2));
        Assert.True(changed);
        Assert.Equal(T0, Conditions.Find(list, "Ready")!.LastTransitionTime);
        (list, _) = Conditions.Set(list, new Condition { Type = "Ready", Status = "True", Reason = "AllReady", Message = "" }, T0.AddMinutes(3));
        Assert.Equal(T0.AddMinutes(3), Conditions.Find(list, "Ready")!.LastTransitionTime);
        Assert.True(Conditions.IsTrue(list, "Ready"));
    }

    // client-go reflector isExpiredError: 410 with reason Expired, or Gone from servers up to 1.17.
    [Theory]
    [InlineData(410, "Expired", true)]
    [InlineData(410, "Gone", true)]
    [InlineData(409, "Conflict", false)]
    public void expired_is_410_in_either_reason(int code, string reason, bool expired) =>
        Assert.Equal(expired, new KubeApiException(new V1Status { Code = code, Reason = reason }).IsExpired);

    // Conflict and AlreadyExists share 409 and are told apart by reason.
    [Fact]
    public void conflict_and_already_exists_differ_by_reason()
    {
        var conflict = new KubeApiException(new V1Status { Code = 409, Reason = "Conflict" });
        var exists = new KubeApiException(new V1Status { Code = 409, Reason = "AlreadyExists" });
        Assert.True(conflict.IsConflict && !conflict.IsAlreadyExists);
        Assert.True(exists.IsAlreadyExists && !exists.IsConflict);
    }
}
