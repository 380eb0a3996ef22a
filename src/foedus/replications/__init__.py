"""The replication suite: published tables reproduced from foedus's own data.

Each study is one module of this package (``berkemeier_fuhrmann_2018``, ``leeds_anac_2005``,
…) declaring a :class:`Study` named ``STUDY``; :func:`replicate` runs one by name and returns
a :class:`Replication`: a table of *published value | reproduced value | difference |
tolerance | pass*, with the study's citation and DOI, the data it read (with hashes), how long
it took and how much memory the process held. Nothing is cached: every run builds from the
store.

>>> from foedus.replications import studies
>>> "berkemeier-fuhrmann-2018" in {s.name for s in studies()}  # doctest: +SKIP
True
"""

from foedus.replications.base import (
    Figure,
    Replication,
    Study,
    StudyList,
    SuiteAnswer,
    replicate,
    studies,
    study,
    study_list,
    suite,
)

__all__ = ["Figure", "Replication", "Study", "StudyList", "SuiteAnswer", "replicate", "studies",
           "study", "study_list", "suite"]
