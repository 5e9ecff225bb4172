"""BIC, AIC and the parameter count against scikit-learn; training likelihood grows with K."""
import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

import emlib
from emlib.datasets import old_faithful


@pytest.mark.parametrize("K, D", [(1, 1), (2, 2), (3, 5), (7, 3)])
def test_n_parameters_matches_sklearn(K, D):
    gm = GaussianMixture(K, covariance_type="full")
    gm.means_ = np.zeros((K, D))
    assert emlib.n_parameters(K, D) == gm._n_parameters() == (K - 1) + K * D + K * D * (D + 1) // 2


def test_bic_aic_match_sklearn():
    X = old_faithful()
    gm = GaussianMixture(2, covariance_type="full", random_state=0).fit(X)
    params = emlib.GMMParams(gm.weights_, gm.means_, gm.covariances_)
    assert np.isclose(emlib.bic(X, params), gm.bic(X), rtol=1e-10)
    assert np.isclose(emlib.aic(X, params), gm.aic(X), rtol=1e-10)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_bad_counts(bad):
    with pytest.raises(ValueError, match="must be a positive integer"):
        emlib.n_parameters(bad, 2)
