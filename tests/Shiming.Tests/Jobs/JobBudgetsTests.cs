using Shiming.Baidu;
using Shiming.IdCards;
using Shiming.ImageModerations;
using Shiming.Jobs;
using Shiming.TextRecognitions;

namespace Shiming.Tests.Jobs;

[TestClass]
public sealed class JobBudgetsTests
{
    private static readonly JobKinds Kinds = new([IdCardKind.Definition, TextRecognitionKind.Definition, ImageModerationKind.Definition]);

    [TestMethod]
    public void Each_kind_defaults_to_Baidus_paid_figure_for_its_API_and_cards_to_Baidu_QpsLimit()
    {
        var options = new BaiduOptions { QpsLimit = 4 };

        Assert.AreEqual(4, options.QpsLimitFor(IdCardKind.Definition));
        Assert.AreEqual(10, options.QpsLimitFor(TextRecognitionKind.Definition));
        Assert.AreEqual(50, options.QpsLimitFor(ImageModerationKind.Definition));
    }

    [TestMethod]
    public void A_kinds_own_budget_wins_and_leaves_the_others_alone()
    {
        var options = new BaiduOptions { QpsLimit = 4 };
        options.Budgets["verification"] = new BaiduBudgetOptions { QpsLimit = 7 };
        options.Budgets["Moderation"] = new BaiduBudgetOptions { QpsLimit = 2 };

        Assert.AreEqual(7, options.QpsLimitFor(IdCardKind.Definition));
        Assert.AreEqual(10, options.QpsLimitFor(TextRecognitionKind.Definition));
        Assert.AreEqual(2, options.QpsLimitFor(ImageModerationKind.Definition));
    }

    [TestMethod]
    public void A_budget_for_a_kind_that_does_not_exist_or_out_of_range_stops_the_start()
    {
        var unknown = new BaiduOptions();
        unknown.Budgets["txt"] = new BaiduBudgetOptions { QpsLimit = 2 };
        var outOfRange = new BaiduOptions();
        outOfRange.Budgets["text"] = new BaiduBudgetOptions { QpsLimit = 0 };

        Assert.IsTrue(new JobBudgetsValidator(Kinds).Validate(null, unknown).Failed);
        Assert.Contains("Baidu__Budgets__txt", new JobBudgetsValidator(Kinds).Validate(null, unknown).FailureMessage ?? "");
        Assert.IsTrue(new BaiduOptionsRangesValidator().Validate(null, outOfRange).Failed);
        Assert.IsTrue(new JobBudgetsValidator(Kinds).Validate(null, new BaiduOptions()).Succeeded);
    }
}
