namespace RwAutoscaler.Simulator.Frontier;

internal static class WindowMax
{
    /// <summary>For each i, the largest of <paramref name="values"/>[i .. i + window), with a monotone deque.</summary>
    public static int[] Ahead(int[] values, int window)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new int[values.Length];
        var deque = new int[values.Length];
        int head = 0, tail = 0;
        for (var i = values.Length - 1; i >= 0; i--)
        {
            while (tail > head && values[deque[tail - 1]] <= values[i])
            {
                tail--;
            }

            deque[tail++] = i;
            while (deque[head] >= i + window)
            {
                head++;
            }

            result[i] = values[deque[head]];
        }

        return result;
    }
}
