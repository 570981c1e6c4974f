using Warehouse.Reports.Explanation;

namespace Warehouse.Reports.Tests.Explanation;

public sealed class SurrogateTreeTests
{
    [Theory]
    [InlineData(27, 31, 30)]
    [InlineData(29, 30, 29)]
    [InlineData(0.12, 0.19, 0.12)]
    [InlineData(-0.5, -0.2, -0.5)]
    [InlineData(1234.5678, 1250, 1240)]
    [InlineData(99.5, 100.2, 100)]
    public void Threshold_is_the_shortest_decimal_between_neighbours(double low, double high, double expected) =>
        Assert.Equal(expected, SurrogateTree.ShortestBetween(low, high), 12);

    [Fact]
    public void A_planted_rectangle_is_recovered_exactly_as_a_readable_predicate()
    {
        // Members: x ≤ 30 and y > 100 on a grid; the tree needs two splits and must say exactly that.
        var rows = new List<double[]>();
        var target = new List<bool>();
        for (var x = 1; x <= 60; x += 3)
        {
            for (var y = 10; y <= 200; y += 10)
            {
                rows.Add([x, y, (x * 7 + y) % 13]);
                target.Add(x <= 30 && y > 100);
            }
        }

        var tree = SurrogateTree.Fit(rows, target, ["RecencyDays", "MonetaryValue", "Noise"], maxDepth: 3, minLeaf: 1);
        var (sql, conditions) = tree.ToSql();
        Assert.Equal("RecencyDays <= 30 AND MonetaryValue > 100", sql);
        Assert.Equal(2, conditions);
        Assert.All(rows.Select((r, i) => (r, i)), p => Assert.Equal(target[p.i], tree.Predict(p.r)));
    }

    [Fact]
    public void Two_positive_leaves_become_an_or_of_paths()
    {
        // Members at both ends of x (x < 10 or x > 50): depth 2 gives two positive paths.
        var rows = Enumerable.Range(0, 60).Select(x => new double[] { x }).ToList();
        var target = rows.Select(r => r[0] < 10 || r[0] > 50).ToList();
        var (sql, _) = SurrogateTree.Fit(rows, target, ["Frequency"], maxDepth: 2, minLeaf: 1).ToSql();
        Assert.Equal("(Frequency <= 9) OR (Frequency > 50)", sql);
    }

    [Fact]
    public void Feature_names_that_are_not_plain_identifiers_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => SurrogateTree.Fit([[1.0], [2.0]], [true, false], ["x; DROP TABLE y"]));
        Assert.Contains("not a plain SQL identifier", error.Message);
    }
}
