namespace Fovea.Training;

/// <summary>Classification metrics over a data set: mean loss, top-1 and top-k accuracy, confusion matrix (rows: truth, columns: prediction).</summary>
public sealed record EvaluationResult(int Count, double Loss, double Accuracy, double TopKAccuracy, int TopK, int[,] Confusion, IReadOnlyList<string> ClassNames)
{
    /// <summary>Accuracy of each true class (NaN for a class with no samples).</summary>
    public double[] PerClassAccuracy()
    {
        int c = Confusion.GetLength(0);
        var acc = new double[c];
        for (int i = 0; i < c; i++)
        {
            long row = 0;
            for (int j = 0; j < c; j++) row += Confusion[i, j];
            acc[i] = row == 0 ? double.NaN : (double)Confusion[i, i] / row;
        }
        return acc;
    }
}
