"""Does every answer form become the same plain data?"""
import numpy as np
import pandas as pd

from grading.core.canon import to_data


def test_missing_answer_is_missing():
    assert to_data(...) == {"kind": "missing"}
    assert to_data(None) == {"kind": "missing"}


def test_numpy_and_python_numbers_agree():
    assert to_data(np.float64(0.25)) == to_data(0.25) == {"kind": "number", "value": 0.25}
    assert to_data(np.int64(3)) == {"kind": "number", "value": 3}
    assert to_data(float("nan")) == {"kind": "number", "value": None}


def test_bool_is_not_a_number():
    assert to_data(True) == {"kind": "bool", "value": True}
    assert to_data(np.bool_(False)) == {"kind": "bool", "value": False}


def test_string_subclass_loses_its_tricks():
    class Liar(str):
        def __eq__(self, other):
            return True
    data = to_data(Liar("anything"))
    assert data == {"kind": "text", "value": "anything"} and type(data["value"]) is str


def test_set_is_sorted_for_stable_json():
    assert to_data({"b", "a"}) == {"kind": "set", "items": ["a", "b"]}


def test_series_and_frame():
    s = pd.Series([1.5, 2.0], index=pd.Index(["x", "y"], name="k"), name="v")
    assert to_data(s) == {"kind": "series", "name": "v", "index": ["x", "y"], "values": [1.5, 2.0]}
    f = pd.DataFrame({"a": [1, 2], "b": ["p", None]})
    d = to_data(f)
    assert d["kind"] == "frame" and d["columns"] == ["a", "b"] and d["data"] == [[1, 2], ["p", None]]
    assert d["rows"] == 2


def test_timestamps_become_text():
    d = to_data(pd.Series(pd.to_datetime(["2025-01-02 03:04"])))
    assert d["values"] == ["2025-01-02T03:04:00"]


def test_unknown_objects_are_described_not_raised():
    class Broken:
        def __repr__(self):
            raise RuntimeError("boom")
    d = to_data(Broken())
    assert d["kind"] == "other" and "repr failed" in d["repr"]
    assert to_data(len)["kind"] == "other"


def test_a_multiindex_keeps_its_levels_apart():
    """A frame indexed by (branch, dimension) can be matched on those columns by the frame rule."""
    frame = pd.DataFrame({"branch": ["a", "a", "b"], "dimension": ["x", "y", "x"], "v": [1, 2, 3]})
    data = to_data(frame.set_index(["branch", "dimension"]))
    assert data["index"] == ["a / x", "a / y", "b / x"] and data["index_names"] == ["branch", "dimension"]
    assert data["index_levels"] == [["a", "a", "b"], ["x", "y", "x"]]
    assert "index_levels" not in to_data(frame)
