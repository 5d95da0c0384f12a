"""Geometry (gis): parcels' outlines in RD New, the province's map layers, and the overlap of
a parcel with the layers in force on a day.

geometry.py  GeoJSON and shapely geometries: structure, CRS, validity, area in RD New
regions.py   the (coarse, illustrative) outline of the Netherlands and the provinces
files.py     reading a parcel or layer file: GML, Shapefile zip or GeoJSON, hostile ones refused
layers.py    map layers as versioned data: import, list, the layers in force
classify.py  the overlap of a geometry with the layers in force: parts per area type
parcel_import.py  the farmer's import of parcels from RVO's file: preview, then confirm
"""
