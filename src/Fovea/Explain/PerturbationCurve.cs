namespace Fovea.Explain;

/// <summary>
/// A deletion or insertion curve: the mean probability of the target class after removing (deletion) or adding
/// (insertion) the given fraction of pixels in attribution order, its area under the curve (trapezoid over the
/// fractions 0..1), and each sample's AUC. Lower deletion AUC and higher insertion AUC mean a better attribution.
/// </summary>
public sealed record PerturbationCurve(bool Insertion, double[] Fractions, double[] MeanScores, double Auc, double[] SampleAucs);
