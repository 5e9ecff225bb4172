"""The explorer of notebook 08: EM for a mixture of Bernoulli distributions, the means as images."""
import ipywidgets as widgets

from .. import plotting as P
from .base import Explorer, _bernoulli_history, _image_shape, _interval

__all__ = ["BernoulliAnimator"]


class BernoulliAnimator(Explorer):
    """A Play button and slider over EM iterations of a Bernoulli mixture: the means as images.

    Parameters
    ----------
    result : BernoulliEMResult from :func:`emlib.bernoulli_em`
    shape : (height, width) of one binary image, height * width = D
    interval : milliseconds between frames when playing
    """

    #: an animation keeps its whole Play sequence: 8 MB is 81 EM half-steps at N = 1000
    cache_budget = 8 * 2**20

    def __init__(self, result, shape, interval=400):
        self.history, self.lls = _bernoulli_history(result, "result")
        self.shape = _image_shape(shape, self.history[0].means.shape[1])
        interval = _interval(interval)
        K = len(self.history[0].weights)
        n = len(self.history)
        self.play = widgets.Play(value=0, min=0, max=n - 1, step=1, interval=interval, description="Play")
        self.slider = widgets.IntSlider(value=0, min=0, max=n - 1, description="iteration", continuous_update=True)
        self.links = [widgets.jslink((self.play, "value"), (self.slider, "value"))]  # closed with the explorer
        self.controls = [self.play, self.slider]
        self.fig = P.new_figure(1.6 * K + 3.6, 2.4)[0]
        self.fig.clear()
        grid = self.fig.add_gridspec(1, K + 2)
        img_axes = [self.fig.add_subplot(grid[0, k]) for k in range(K)]
        self.images = P.draw_component_images(img_axes, self.history[0].means, shape)
        ax2 = self.fig.add_subplot(grid[0, K:])
        _, self.marker = P.draw_loglik_curve(ax2, self.lls, current=0)
        self.weights = [ax.text(0.5, -0.08, "", transform=ax.transAxes, ha="center", va="top", fontsize=9) for ax in img_axes]
        self.animated = [*self.images, self.marker, *self.weights]
        self._finish()

    def _tour_label(self, t):
        return f"iteration {t} of {len(self.history) - 1}"

    def _draw(self):
        t = self.slider.value
        params = self.history[t]
        P.update_component_images(self.images, params.means, self.shape)
        P.update_marker(self.marker, t, self.lls[t])
        for text, w in zip(self.weights, params.weights):
            text.set_text(f"π = {w:.2f}")
