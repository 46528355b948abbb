using Spotlight.Metrics.Ptb;
using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

public class CaptionEvaluatorTests
{
    private static readonly ReferenceCaptions Refs = ReferenceCaptions.From("refs.json", [
        ("1", ["A cat on a mat.", "A cat sits on the mat."]),
        ("2", ["Dogs run in the park.", "Two dogs running."]),
        ("3", ["A red bus.", "A bus on the street."])]);

    private static EvaluationOptions All(bool allowMissing = false) => new(CaptionMetrics.Parse(CaptionMetrics.Default), PtbTokenizer.Instance, allowMissing);

    [Fact]
    public void Scores_equal_the_metrics_run_on_ptb_tokenized_captions()
    {
        var results = new CandidateCaptions("res.json", [("1", "A cat on the mat!"), ("2", "Dogs in a park."), ("3", "A bus.")]);
        var report = CaptionEvaluator.Evaluate(Refs, results, All());
        Assert.Equal(["BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "METEOR", "ROUGE-L", "CIDEr-D", "CIDEr"], report.MetricNames);
        Assert.Equal("a cat on the mat", report.Items[0].Candidate);
        Assert.Equal(["a cat on a mat", "a cat sits on the mat"], report.Items[0].References);
        var direct = new CiderD().Score(new CaptionSet(report.Items));
        Assert.Equal(direct.Corpus["CIDEr-D"], report.Corpus["CIDEr-D"]);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void A_result_for_an_unknown_image_is_an_error()
    {
        var results = new CandidateCaptions("res.json", [("1", "a"), ("2", "b"), ("3", "c"), ("9", "d")]);
        var e = Assert.Throws<SpotlightException>(() => CaptionEvaluator.Evaluate(Refs, results, All()));
        Assert.Equal("res.json: 1 result image id(s) are not in refs.json: 9", e.Message);
    }

    [Fact]
    public void A_reference_image_without_a_result_is_an_error_unless_allowed()
    {
        var results = new CandidateCaptions("res.json", [("1", "a cat"), ("3", "a bus")]);
        var e = Assert.Throws<SpotlightException>(() => CaptionEvaluator.Evaluate(Refs, results, All()));
        Assert.Contains("1 of 3 reference images have no result (2); pass --allow-missing", e.Message);

        var report = CaptionEvaluator.Evaluate(Refs, results, All(allowMissing: true));
        Assert.Equal(["1", "3"], report.Items.Select(i => i.Id));
        Assert.Contains(report.Warnings, w => w.StartsWith("1 of 3 reference images have no result", StringComparison.Ordinal));
    }

    [Fact]
    public void An_evaluated_image_without_reference_captions_is_an_error()
    {
        var refs = ReferenceCaptions.From("refs.json", [("1", ["a cat"]), ("2", [])]);
        var results = new CandidateCaptions("res.json", [("1", "a cat"), ("2", "a dog")]);
        var e = Assert.Throws<SpotlightException>(() => CaptionEvaluator.Evaluate(refs, results, All()));
        Assert.Equal("refs.json: 1 evaluated image(s) have no reference caption: 2", e.Message);
    }

    [Fact]
    public void Empty_captions_are_scored_and_reported_as_warnings()
    {
        var results = new CandidateCaptions("res.json", [("1", ""), ("2", "..."), ("3", "a bus")]);
        var report = CaptionEvaluator.Evaluate(Refs, results, All());
        Assert.Equal(0.0, report.PerItem["CIDEr-D"][0]);
        Assert.Contains("1 result caption(s) are empty; scored as empty, as the COCO code does", report.Warnings);
        Assert.Contains("1 result caption(s) are empty after tokenization; scored as empty, as the COCO code does", report.Warnings);
    }

    [Fact]
    public void Without_tokenization_captions_are_scored_as_given()
    {
        var results = new CandidateCaptions("res.json", [("1", "A cat on a mat."), ("2", "x"), ("3", "y")]);
        var report = CaptionEvaluator.Evaluate(Refs, results, new EvaluationOptions([new RougeL()], CaptionTokenizers.None));
        Assert.Equal(1.0, report.PerItem["ROUGE-L"][0]);
    }

    [Fact]
    public void An_unknown_metric_name_lists_the_known_ones()
    {
        var e = Assert.Throws<SpotlightException>(() => CaptionMetrics.Parse("bleu,spice"));
        Assert.StartsWith("unknown metric \"spice\"; choose from ", e.Message);
        Assert.Contains("meteor", e.Message);
    }

    [Fact]
    public void A_plugged_in_metric_is_scored_alongside_the_others()
    {
        var constant = new DelegateCaptionMetric(["CONST"], set => new MetricScores(
            new Dictionary<string, double> { ["CONST"] = 0.5 },
            new Dictionary<string, double[]> { ["CONST"] = set.Items.Select(_ => 0.5).ToArray() }));
        var results = new CandidateCaptions("res.json", [("1", "a"), ("2", "b"), ("3", "c")]);
        var report = CaptionEvaluator.Evaluate(Refs, results, new EvaluationOptions([new Bleu(), constant], PtbTokenizer.Instance));
        Assert.Equal(0.5, report.Corpus["CONST"]);
        Assert.Equal(5, report.MetricNames.Count);
    }
}
