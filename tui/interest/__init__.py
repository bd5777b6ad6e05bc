"""What this person is interested in, learned from their own decisions: the for-you order.

``labels`` turns annotations into decisions (interested, not), ``model`` learns from them
and scores every paper, ``reasons`` says why a paper scores as it does, ``session`` keeps
it current while the reader runs. Built on the
paper features of :mod:`tui.search.features`; nothing here is written anywhere: the model
is rebuilt from the profile's annotations in well under a second.

    model = InterestModel(engine.features.get())
    model.update(Decisions.of(annotations, store.indices_of).labels)
    result = engine.run("is:inbox", annotations, sort="for-you", for_you=model.scores())
    print(explain(model, result.index(0), result.paper(0)).text)
"""

from tui.interest.labels import ENOUGH_NEGATIVE, ENOUGH_POSITIVE, Decisions, label_of
from tui.interest.model import InterestModel
from tui.interest.reasons import Reason, explain
from tui.interest.session import ForYou

__all__ = ["Decisions", "ENOUGH_NEGATIVE", "ENOUGH_POSITIVE", "ForYou", "InterestModel", "Reason",
           "explain", "label_of"]
